"""The pages: login, scoping to the manager's connections, CSRF, CSV, who sees values."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import Mismatch, ReconciliationRun
from sync.models import SyncRun
from sync.services import connection_create
from tests.reports.helpers import manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clinics(connection):
    other = connection_create(name="harbour", clinic_name="Harbour", cliniko_api_key="key-au2",
                              fergus_token="fergPAT_y", user_agent_email="ops@harbour.example")
    runs = [ReconciliationRun.objects.create(connection=c, status="ok",
                                             counts={"field_drift": 1}) for c in (connection,
                                                                                  other)]
    mine = Mismatch(connection=connection, run=runs[0], kind="field_drift",
                    object_type="patient", cliniko_id="111", fergus_id=5,
                    field="customerFullName", key="field_drift:patient:111:customerFullName",
                    last_seen=runs[0].started_at)
    mine.values_set("Ann Lee", "=Ann Leigh")
    mine.save()
    theirs = Mismatch.objects.create(connection=other, run=runs[1], kind="missing_in_fergus",
                                     object_type="patient", cliniko_id="999",
                                     key="missing_in_fergus:patient:999",
                                     last_seen=runs[1].started_at)
    SyncRun.objects.create(connection=connection, status="ok", created=3, queued=3)
    user = manager("mia", connection)
    client = Client()
    client.force_login(user)
    return connection, other, mine, theirs, client


def test_every_page_sends_an_anonymous_visitor_to_the_login_page():
    client = Client()
    for name in ("reports:dashboard", "reports:mismatches", "reports:runs",
                 "reports:mismatch_export"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("reports:login"))


def test_a_manager_sees_only_their_own_connection_on_every_page(two_clinics):
    connection, other, mine, theirs, client = two_clinics
    dashboard = client.get(reverse("reports:dashboard")).content.decode()
    assert connection.clinic_name in dashboard and other.clinic_name not in dashboard
    report = client.get(reverse("reports:mismatches")).content.decode()
    assert f"mismatch-{mine.pk}" in report and f"mismatch-{theirs.pk}" not in report
    runs = client.get(reverse("reports:runs")).content.decode()
    assert "harbour" not in runs and "bayside" in runs
    csv = client.get(reverse("reports:mismatch_export")).getvalue().decode()
    assert "111" in csv and "999" not in csv


def test_a_manager_cannot_act_on_another_clinics_mismatch(two_clinics):
    *_, theirs, client = two_clinics
    assert client.get(reverse("reports:mismatch_ignore", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("reports:mismatch_resync"), {"one": theirs.pk})
    assert response.status_code == 404
    response = client.post(reverse("reports:mismatch_resync"),
                           {"pk": [theirs.pk], "action": "selected"})
    theirs.refresh_from_db()
    assert theirs.resync_item is None
    assert client.post(reverse("reports:reconcile_now",
                               args=[theirs.connection_id])).status_code == 404


def test_posts_without_a_csrf_token_are_refused(two_clinics):
    connection, _, mine, _, _ = two_clinics
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager("noah", connection))
    response = client.post(reverse("reports:mismatch_ignore", args=[mine.pk]),
                           {"reason": "expected"})
    assert response.status_code == 403
    mine.refresh_from_db()
    assert mine.state == "open"


def test_values_are_shown_only_to_users_allowed_to_see_them(two_clinics):
    from django.contrib.auth.models import Permission, User

    from sync.models import ConnectionMember

    connection, _, mine, _, client = two_clinics
    assert "Ann Leigh" in client.get(reverse("reports:mismatches")).content.decode()
    viewer = User.objects.create_user("vic", password="x")
    viewer.user_permissions.add(Permission.objects.get(codename="view_mismatch"))
    ConnectionMember.objects.create(connection=connection, user=viewer)
    other = Client()
    other.force_login(viewer)
    page = other.get(reverse("reports:mismatches")).content.decode()
    assert f"mismatch-{mine.pk}" in page and "Ann Leigh" not in page
    assert "Re-sync" not in page
    assert "Ann Leigh" not in other.get(reverse("reports:mismatch_export")).getvalue().decode()


def test_the_csv_export_follows_the_filter_and_defuses_formulas(two_clinics):
    *_, client = two_clinics
    rows = client.get(reverse("reports:mismatch_export"),
                      {"kind": "field_drift"}).getvalue().decode().splitlines()
    assert len(rows) == 2
    assert "'=Ann Leigh" in rows[1]
    assert len(client.get(reverse("reports:mismatch_export"), {"kind": "double_booking"})
               .getvalue().decode().splitlines()) == 1


def test_ignoring_needs_a_reason_and_records_who_ignored_it(two_clinics):
    _, _, mine, _, client = two_clinics
    url = reverse("reports:mismatch_ignore", args=[mine.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    client.post(url, {"reason": "Patient asked for a nickname in Fergus"})
    mine.refresh_from_db()
    assert mine.state == "ignored" and mine.ignored_by.username == "mia"
    assert mine.ignored_reason.startswith("Patient asked")


def test_the_report_filters_and_searches(two_clinics):
    _, _, mine, _, client = two_clinics
    assert f"mismatch-{mine.pk}" in client.get(reverse("reports:mismatches"),
                                               {"q": "111"}).content.decode()
    assert f"mismatch-{mine.pk}" not in client.get(reverse("reports:mismatches"),
                                                   {"state": "ignored"}).content.decode()
    assert f"mismatch-{mine.pk}" in client.get(
        reverse("reports:mismatches"), {"seen_from": mine.last_seen.date().isoformat(),
                                        "object_type": "patient"}).content.decode()


def test_run_history_links_counts_to_the_items_behind_them(two_clinics, admin_client):
    *_, client = two_clinics
    page = client.get(reverse("reports:runs")).content.decode()
    assert "/admin/sync/workitem/?run__exact=" in page
    assert "/mismatches/?connection=" in page
    link = page.split('href="/admin/sync/workitem/?')[1].split('"')[0].replace("&amp;", "&")
    assert admin_client.get(f"/admin/sync/workitem/?{link}").status_code == 200
