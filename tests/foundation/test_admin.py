"""Admin smoke tests and the promise that no page ever shows a stored secret."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.urls import reverse

from sync.models import Connection, ConnectionMember
from sync.roles import CONSULTANT, PRACTICE_MANAGER
from sync.services import connection_create

KEY = "QQadminLeakCheckKey9931-au1"
TOKEN = "fergPAT_admin-leak-check-0042"


@pytest.fixture
def connection(db) -> Connection:
    return connection_create(
        name="bayside", clinic_name="Bayside", cliniko_api_key=KEY, fergus_token=TOKEN,
        user_agent_email="ops@bayside.example",
    )


def user_in(role: str, username: str) -> User:
    user = User.objects.create_user(username, password="pw-Long-enough-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.django_db
def test_every_registered_model_page_loads(admin_client, connection):
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = admin_client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        if model_admin.has_add_permission(changelist.wsgi_request):
            add_page = admin_client.get(reverse("admin:{}_{}_add".format(*info)))
            assert add_page.status_code == 200, info
        obj = model._default_manager.first()
        if obj is not None:
            page = admin_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            assert page.status_code == 200, info


@pytest.mark.django_db
def test_no_admin_page_contains_a_stored_secret(admin_client, connection):
    pages = [
        reverse("admin:sync_connection_changelist"),
        reverse("admin:sync_connection_change", args=[connection.pk]),
        reverse("admin:sync_connection_history", args=[connection.pk]),
    ]
    for url in pages:
        body = admin_client.get(url).content.decode()
        assert KEY not in body and TOKEN not in body, url
        assert connection.cliniko_api_key_ciphertext not in body, url
        assert KEY[:6] not in body and KEY[-6:] not in body, url  # not even fragments


@pytest.mark.django_db
def test_the_form_replaces_a_secret_only_when_one_is_pasted(admin_client, connection):
    url = reverse("admin:sync_connection_change", args=[connection.pk])
    form = {
        "name": "bayside", "clinic_name": "Bayside renamed", "state": "draft",
        "time_zone": "Australia/Sydney", "cliniko_user_agent_email": "ops@bayside.example",
        "cliniko_base_url": "", "fergus_base_url": "", "sync_patients": "on",
        "poll_interval_seconds": "10", "new_cliniko_api_key": "", "new_fergus_token": "",
        "connectionmember_set-TOTAL_FORMS": "0", "connectionmember_set-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    connection.refresh_from_db()
    assert connection.clinic_name == "Bayside renamed"
    assert connection.cliniko_api_key == KEY
    response = admin_client.post(url, {**form, "new_cliniko_api_key": "brandNewKey55-au4"})
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.cliniko_api_key == "brandNewKey55-au4"
    assert connection.cliniko_shard == "au4"
    assert connection.fergus_token == TOKEN


@pytest.mark.django_db
def test_a_practice_manager_cannot_see_another_clinics_connection(client, connection):
    other = connection_create(
        name="northside", clinic_name="Northside", cliniko_api_key="k2", fergus_token="t2",
        user_agent_email="ops@north.example",
    )
    manager = user_in(PRACTICE_MANAGER, "manager")
    ConnectionMember.objects.create(connection=connection, user=manager)
    client.force_login(manager)
    listing = client.get(reverse("admin:sync_connection_changelist"))
    assert listing.status_code == 200
    assert "bayside" in listing.content.decode() and "northside" not in listing.content.decode()
    own = client.get(reverse("admin:sync_connection_change", args=[connection.pk]))
    assert own.status_code == 200
    assert "new_cliniko_api_key" not in own.content.decode()  # no credential fields at all
    foreign = client.get(reverse("admin:sync_connection_change", args=[other.pk]))
    assert foreign.status_code in (403, 404)


@pytest.mark.django_db
def test_a_practice_manager_cannot_edit_even_their_own_connection(client, connection):
    manager = user_in(PRACTICE_MANAGER, "manager")
    ConnectionMember.objects.create(connection=connection, user=manager)
    client.force_login(manager)
    url = reverse("admin:sync_connection_change", args=[connection.pk])
    response = client.post(url, {"name": "hijacked", "clinic_name": "x"})
    assert response.status_code == 403
    connection.refresh_from_db()
    assert connection.name == "bayside"


@pytest.mark.django_db
def test_a_consultant_can_set_credentials_but_never_read_them_back(client, connection):
    consultant = user_in(CONSULTANT, "consultant")
    client.force_login(consultant)
    page = client.get(reverse("admin:sync_connection_change", args=[connection.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="new_cliniko_api_key"' in body and 'name="new_fergus_token"' in body
    assert KEY not in body and TOKEN not in body
    assert client.get(reverse("admin:sync_connection_add")).status_code == 200


@pytest.mark.django_db
def test_the_roles_exist_with_their_permissions():
    manager = Group.objects.get(name=PRACTICE_MANAGER)
    codenames = set(manager.permissions.values_list("codename", flat=True))
    assert {"view_connection", "resync_connection"} <= codenames
    assert "change_connection" not in codenames
    assert "set_connection_credentials" not in codenames
    consultant = set(Group.objects.get(name=CONSULTANT).permissions.values_list("codename",
                                                                                 flat=True))
    assert {"add_connection", "set_connection_credentials"} <= consultant
