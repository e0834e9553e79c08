from __future__ import annotations

from types import SimpleNamespace

import pytest

from sync.services import connection_create


@pytest.fixture
def connection(db):
    return connection_create(
        name="bayside", clinic_name="Bayside", cliniko_api_key="key-au1",
        fergus_token="fergPAT_x", user_agent_email="ops@bayside.example",
    )


@pytest.fixture
def unpaced(settings):
    """Simulators and clients without rate limits, so end-to-end tests run at full speed."""
    settings.SANDBOX_CLINIKO_RATE_LIMIT = 0
    settings.SANDBOX_FERGUS_RATE_LIMIT = 0
    settings.CLINIKO_RATE_LIMIT = 0
    settings.FERGUS_RATE_LIMIT = 0
    return settings


@pytest.fixture
def live(sandbox_server, unpaced):
    """A seeded clinic, its Fergus company and a live connection to both simulators.

    Use with @pytest.mark.django_db(transaction=True, databases="__all__").
    """
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sync.clients.cliniko import ClinikoClient
    from sync.models import Connection

    clinic = seed_clinic(patients=12, seed=11)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=11)
    connection = connection_create(
        name="live-clinic", clinic_name="Live Clinic", cliniko_api_key=clinic.api_key,
        fergus_token=company.token, user_agent_email="ops@live.example",
        cliniko_base_url=f"{sandbox_server}/cliniko/{{shard}}/v1",
        fergus_base_url=f"{sandbox_server}/fergus", state=Connection.State.LIVE,
    )
    cliniko = ClinikoClient.for_connection(connection)  # for test-side edits
    return SimpleNamespace(clinic=clinic, company=company, connection=connection,
                           cliniko=cliniko, base_url=sandbox_server)
