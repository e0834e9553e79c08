"""The admin pages of the flow: every step renders, secrets never come back, roles apply."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from mappings.defaults import ensure_default_templates
from sync.models import OnboardingState
from sync.onboarding import services
from sync.roles import CONSULTANT, PRACTICE_MANAGER

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _user(role: str) -> User:
    user = User.objects.create_user(role.replace(" ", "-").lower(), password="x-pass-123",
                                    is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def test_it_creates_a_draft_connection_from_step_one_as_a_consultant(client, seeded):
    client.force_login(_user(CONSULTANT))
    response = client.post(reverse("admin:sync_onboardingstate_new"), {
        "name": "bayside", "clinic_name": "Bayside", "cliniko_user_agent_email": "a@b.example",
        "time_zone": "Australia/Sydney", "cliniko_api_key": seeded.clinic.api_key,
        "fergus_token": seeded.company.token,
        "cliniko_base_url": f"{seeded.base_url}/cliniko/{{shard}}/v1",
        "fergus_base_url": f"{seeded.base_url}/fergus"})
    state = OnboardingState.objects.get(connection__name="bayside")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sync_onboardingstate_step", args=[state.pk, 2])
    assert state.connection.cliniko_api_key == seeded.clinic.api_key


def test_it_renders_every_reached_step_without_the_secrets(admin_client, seeded, monkeypatch):
    monkeypatch.setattr("sync.tasks.connection_loop_start", lambda pk: None)
    state = seeded.start()
    url = lambda n: reverse("admin:sync_onboardingstate_step", args=[state.pk, n])  # noqa: E731
    assert admin_client.post(url(2)).status_code == 302
    template = ensure_default_templates()
    assert admin_client.post(url(3), {"sync_patients": "on",
                                      "template": template.pk}).status_code == 302
    assert admin_client.post(url(4)).status_code == 302
    assert admin_client.post(url(5), {"max_pages": "1"}).status_code == 302
    assert admin_client.post(url(6)).status_code == 302
    secrets = (seeded.clinic.api_key.rsplit("-", 1)[0], seeded.company.token)
    for step in range(1, 7):
        page = admin_client.get(url(step))
        assert page.status_code == 200, step
        body = page.content.decode()
        assert not any(s in body for s in secrets), step
    assert "practitioner-matches" in admin_client.get(url(4)).content.decode()
    assert "backfill-progress" in admin_client.get(url(6)).content.decode()
    progress = admin_client.get(reverse("admin:sync_onboardingstate_progress", args=[state.pk]))
    assert progress.json()["state"] == "live"


def test_it_sends_a_forward_jump_back_to_the_current_step(admin_client, seeded):
    state = seeded.start()
    response = admin_client.get(reverse("admin:sync_onboardingstate_step", args=[state.pk, 5]))
    assert response["Location"] == reverse("admin:sync_onboardingstate_step", args=[state.pk, 2])


def test_it_shows_each_failure_on_the_test_page(admin_client, seeded):
    state = seeded.start(cliniko_api_key=seeded.clinic.limited_api_key)
    url = reverse("admin:sync_onboardingstate_step", args=[state.pk, 2])
    admin_client.post(url)
    body = admin_client.get(url).content.decode()
    assert 'data-code="no_admin_rights"' in body and "administrator" in body


def test_it_keeps_practice_managers_out(client, seeded):
    client.force_login(_user(PRACTICE_MANAGER))
    state = seeded.start()
    assert client.get(reverse("admin:sync_onboardingstate_new")).status_code == 403
    assert client.get(reverse("admin:sync_onboardingstate_step",
                              args=[state.pk, 2])).status_code == 403


def test_the_changelist_links_to_the_step_to_resume(admin_client, seeded):
    state = seeded.start()
    services.onboarding_test_credentials(state)
    body = admin_client.get(reverse("admin:sync_onboardingstate_changelist")).content.decode()
    assert reverse("admin:sync_onboardingstate_step", args=[state.pk, 3]) in body
