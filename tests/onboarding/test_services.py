"""The happy path through every step, and the order the steps insist on."""

from __future__ import annotations

import pytest

from sync.models import Connection, OnboardingState
from sync.onboarding import services

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def enqueued(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr("sync.tasks.connection_loop_start", calls.append)
    return calls


def test_it_walks_a_clinic_from_credentials_to_a_live_backfill(seeded, enqueued):
    from mappings.defaults import ensure_default_templates
    from mappings.models import MappingRule, SyncFilter
    from sandbox.fergus.models import Customer
    from sync.engine import connection_backfill

    state = services.onboarding_start(
        name="walk", clinic_name="Walk", cliniko_api_key=seeded.clinic.api_key,
        fergus_token=seeded.company.token, user_agent_email="ops@walk.example",
        cliniko_base_url=f"{seeded.base_url}/cliniko/{{shard}}/v1",
        fergus_base_url=f"{seeded.base_url}/fergus")
    assert state.connection.state == Connection.State.DRAFT
    assert all(c.ok for c in services.onboarding_test_credentials(state))

    email_filter = SyncFilter.objects.get(connection=state.connection, field_path="email")
    services.onboarding_choose(
        state, sync_patients=True, sync_appointments=True, sync_invoices=False,
        template=ensure_default_templates(), filters={email_filter.pk: (True, [])})
    state.connection.refresh_from_db()
    assert not state.connection.sync_invoices
    assert SyncFilter.objects.get(pk=email_filter.pk).enabled
    assert MappingRule.objects.filter(connection=state.connection).exists()

    rows = services.onboarding_match_practitioners(state)
    active = [r for r in rows if r["active"]]
    assert active and all(r["fergus_user_id"] for r in active)
    assert services.onboarding_unmatched(state) == []

    report = services.onboarding_dry_run(state, max_pages=1)
    assert report["fetched"] > 0 and report["by_type"]["patient"]
    assert report["samples"] and set(report["samples"][0]) >= {"cliniko_id", "action"}
    assert not Customer.objects.exists()  # a dry run writes nothing to Fergus

    services.onboarding_go_live(state)
    state.refresh_from_db()
    assert state.connection.state == Connection.State.LIVE and state.went_live_at
    assert enqueued == [state.connection_id]

    connection_backfill(state.connection, time_budget=40)
    progress = services.onboarding_progress(state)
    assert progress["complete"] and progress["percent"] == 100
    assert Customer.objects.exists()


def test_it_lists_practitioners_without_a_fergus_user(seeded):
    from sandbox.fergus.models import User

    state = seeded.start()
    services.onboarding_test_credentials(state)
    services.onboarding_choose(state, sync_patients=True, sync_appointments=True,
                               sync_invoices=True)
    User.objects.filter(email=seeded.clinic.practitioner_emails[0]).update(email="x@else.example")
    services.onboarding_match_practitioners(state)
    unmatched = services.onboarding_unmatched(state)
    assert [r["email"] for r in unmatched] == [seeded.clinic.practitioner_emails[0]]


def test_it_refuses_to_skip_ahead_before_the_credentials_pass(seeded):
    state = seeded.start(fergus_token="fergPAT_wrong")
    services.onboarding_test_credentials(state)
    with pytest.raises(services.OnboardingError, match="Test the credentials first"):
        services.onboarding_choose(state, sync_patients=True, sync_appointments=False,
                                   sync_invoices=False)
    with pytest.raises(services.OnboardingError):
        services.onboarding_goto(state, OnboardingState.Step.DRY_RUN)


def test_it_resumes_where_it_was_left(seeded):
    state = seeded.start()
    services.onboarding_test_credentials(state)
    again = OnboardingState.objects.get(connection__name="new-clinic")
    assert again.step == OnboardingState.Step.OBJECTS and again.checks_passed


def test_it_asks_for_a_new_test_after_a_key_changes(seeded):
    state = seeded.start()
    services.onboarding_test_credentials(state)
    services.onboarding_credentials_update(
        state, clinic_name="New Clinic", user_agent_email="ops@new.example",
        time_zone="Australia/Brisbane", fergus_token=seeded.company.token)
    state.refresh_from_db()
    assert (state.step, state.checks_passed, state.checks) == (2, False, {})
    assert state.connection.time_zone == "Australia/Brisbane"


def test_it_will_not_go_live_without_a_dry_run(seeded):
    state = seeded.start()
    services.onboarding_test_credentials(state)
    state.step = OnboardingState.Step.LIVE
    state.save()
    with pytest.raises(services.OnboardingError, match="dry run"):
        services.onboarding_go_live(state)
    assert Connection.objects.get(pk=state.connection_id).state == Connection.State.DRAFT
