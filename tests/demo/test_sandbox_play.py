"""The clinic player: changes in Cliniko, and now and then a short Fergus outage."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

pytestmark = pytest.mark.django_db(databases="__all__")


def test_it_plays_changes_and_takes_fergus_down_for_a_while():
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.faults import faults_reset, profile_for
    from sandbox.fergus.seed import seed_company

    clinic = seed_clinic(patients=5, seed=41)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=41)
    out = StringIO()
    try:
        call_command("sandbox_play", seed=41, steps=3, interval=0, outage_every=1e-9,
                     outage_seconds=30, stdout=out)
        lines = out.getvalue().splitlines()
        assert sum(line.startswith("clinic: ") for line in lines) == 3
        assert "fergus: outage for 30 s" in lines
        profile = profile_for(f"fergus:{company.company_id}")
        assert profile is not None and profile.outage_until > timezone.now()
    finally:
        faults_reset(f"fergus:{company.company_id}")


def test_it_refuses_a_seed_that_was_never_seeded():
    with pytest.raises(CommandError, match="seed 999"):
        call_command("sandbox_play", seed=999, steps=1, interval=0)
