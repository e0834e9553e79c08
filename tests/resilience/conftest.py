from __future__ import annotations

import itertools
from types import SimpleNamespace

import pytest

from sync.services import connection_create

_seeds = itertools.count(101)


@pytest.fixture
def connection(db):
    return connection_create(
        name="bayside", clinic_name="Bayside", cliniko_api_key="key-au1",
        fergus_token="fergPAT_x", user_agent_email="ops@bayside.example",
    )


@pytest.fixture
def unpaced(settings):
    settings.SANDBOX_CLINIKO_RATE_LIMIT = 0
    settings.SANDBOX_FERGUS_RATE_LIMIT = 0
    settings.CLINIKO_RATE_LIMIT = 0
    settings.FERGUS_RATE_LIMIT = 0
    settings.BREAKER_THRESHOLD = 3
    settings.BREAKER_PROBE_SECONDS = 0.3
    settings.ALERT_EMAILS = ["ops@portal.example"]
    return settings


@pytest.fixture
def make_live(sandbox_server, unpaced):
    """Factory: a seeded clinic, its Fergus company and a live, fast-retrying connection.

    Use with @pytest.mark.django_db(transaction=True, databases="__all__").
    """
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sync.clients.cliniko import ClinikoClient
    from sync.models import Connection, ResilienceSettings

    def make(patients: int = 6, name: str = "live-clinic") -> SimpleNamespace:
        seed = next(_seeds)
        clinic = seed_clinic(patients=patients, seed=seed)
        company = seed_company(user_emails=clinic.practitioner_emails, seed=seed)
        connection = connection_create(
            name=name, clinic_name=name.title(), cliniko_api_key=clinic.api_key,
            fergus_token=company.token, user_agent_email="ops@live.example",
            cliniko_base_url=f"{sandbox_server}/cliniko/{{shard}}/v1",
            fergus_base_url=f"{sandbox_server}/fergus", state=Connection.State.LIVE,
        )
        ResilienceSettings.objects.create(connection=connection, backoff_base_seconds=0.1,
                                          backoff_cap_seconds=0.5, max_attempts=50)
        return SimpleNamespace(clinic=clinic, company=company, connection=connection,
                               cliniko=ClinikoClient.for_connection(connection),
                               fergus_scope=f"fergus:{company.company_id}",
                               cliniko_scope=f"cliniko:{clinic.account_id}",
                               base_url=sandbox_server)

    return make


@pytest.fixture
def fergus_rejects_poison(monkeypatch):
    """The simulator answers 422 to any customer named like the poison patient."""
    from sandbox.fergus import views_people
    from sandbox.fergus.http import bad

    real = views_people._customer_fields

    def fields(ctx):  # type: ignore[no-untyped-def]
        name, *rest = real(ctx)
        if "Poison" in name:
            raise bad("Validation Failed: [<body>/customerFullName: must match pattern].")
        return (name, *rest)

    monkeypatch.setattr(views_people, "_customer_fields", fields)
