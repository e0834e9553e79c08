"""Each way a credential can be wrong gets its own clear message (against the simulators)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sync.onboarding.services import onboarding_test_credentials

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _checks(state):
    return {c.system: c for c in onboarding_test_credentials(state)}


def test_it_accepts_an_administrators_key_and_an_owners_token(seeded):
    state = seeded.start()
    checks = _checks(state)
    assert checks["cliniko"].ok and checks["cliniko"].code == "ok"
    assert "shard au1" in checks["cliniko"].message
    assert checks["cliniko"].details["businesses"]
    assert checks["fergus"].ok and "an owner" in checks["fergus"].message
    state.refresh_from_db()
    assert state.checks_passed and state.step == 3


def test_it_says_the_key_is_wrong_when_no_shard_knows_it(seeded):
    state = seeded.start(cliniko_api_key="MS0xNotARealKeyAtAll0000000000000000000000-au1")
    check = _checks(state)["cliniko"]
    assert (check.ok, check.code) == (False, "wrong_key")
    assert "did not accept the API key" in check.message
    state.refresh_from_db()
    assert not state.checks_passed and state.step == 2


def test_it_names_the_right_shard_when_the_suffix_is_wrong(seeded):
    key = seeded.clinic.api_key.rsplit("-", 1)[0] + "-au2"
    check = _checks(seeded.start(cliniko_api_key=key))["cliniko"]
    assert (check.ok, check.code) == (False, "wrong_shard")
    assert "belongs to Cliniko shard au1, not au2" in check.message


def test_it_asks_for_an_administrators_key_when_users_are_unreadable(seeded):
    check = _checks(seeded.start(cliniko_api_key=seeded.clinic.limited_api_key))["cliniko"]
    assert (check.ok, check.code) == (False, "no_admin_rights")
    assert "403 on /users" in check.message and "administrator" in check.message


def test_it_reports_a_missing_user_agent_email_before_calling_cliniko(seeded):
    state = seeded.start()
    type(state.connection).objects.filter(pk=state.connection_id).update(
        cliniko_user_agent_email="")
    check = _checks(state)["cliniko"]
    assert (check.ok, check.code) == (False, "user_agent_missing")
    assert "User-Agent" in check.message


def test_it_says_an_expired_fergus_token_must_be_replaced(seeded):
    from sandbox.fergus.models import Token

    Token.objects.filter(key=seeded.company.token).update(
        expires_at=timezone.now() - timedelta(days=1))
    check = _checks(seeded.start())["fergus"]
    assert (check.ok, check.code) == (False, "token_rejected")
    assert "expired" in check.message and "365 days" in check.message


def test_it_refuses_a_fergus_token_of_a_user_who_is_not_an_owner(seeded):
    field_user_token = next(token for email, token in seeded.company.user_tokens.items()
                            if email in seeded.clinic.practitioner_emails)
    check = _checks(seeded.start(fergus_token=field_user_token))["fergus"]
    assert (check.ok, check.code) == (False, "not_owner")
    assert "is not an owner" in check.message


def test_it_never_puts_a_secret_in_a_stored_check(seeded):
    state = seeded.start(cliniko_api_key=seeded.clinic.limited_api_key)
    onboarding_test_credentials(state)
    state.refresh_from_db()
    stored = str(state.checks)
    assert seeded.clinic.limited_api_key.rsplit("-", 1)[0] not in stored
    assert seeded.company.token not in stored
