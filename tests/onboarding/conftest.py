from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def seeded(sandbox_server, unpaced):
    """A seeded clinic and company, and a helper that starts an onboarding against them."""
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sync.onboarding.services import onboarding_start

    clinic = seed_clinic(patients=15, seed=21)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=21)

    def start(name: str = "new-clinic", **overrides):
        fields = dict(
            name=name, clinic_name="New Clinic", cliniko_api_key=clinic.api_key,
            fergus_token=company.token, user_agent_email="ops@new.example",
            cliniko_base_url=f"{sandbox_server}/cliniko/{{shard}}/v1",
            fergus_base_url=f"{sandbox_server}/fergus",
        )
        fields.update(overrides)
        return onboarding_start(**fields)

    return SimpleNamespace(clinic=clinic, company=company, start=start, base_url=sandbox_server)
