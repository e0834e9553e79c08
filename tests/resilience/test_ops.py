"""Queue safety check, /healthz, retention, per-connection retry policy, replay admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sync.checks import check_queue_timeout_exceeds_longest_task
from sync.clients.base import ApiError, ErrorKind
from sync.models import Connection, ReplayAudit, ResilienceSettings, SyncRun, WorkAttempt, WorkItem
from sync.outbox import work_item_failed
from sync.retention import logs_purge
from sync.retry import DEFAULT_POLICY, policy_for


def test_the_check_refuses_a_queue_timeout_shorter_than_the_longest_task(settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300, "retry": 420}
    settings.CYCLE_TASK_SECONDS = 120
    assert check_queue_timeout_exceeds_longest_task() == []
    settings.CYCLE_TASK_SECONDS = 250
    assert [e.id for e in check_queue_timeout_exceeds_longest_task()] == ["sync.E004"]


@pytest.mark.django_db
def test_healthz_is_200_with_fresh_polls_and_503_when_a_live_connection_is_stale(
        client, connection, settings):
    settings.HEALTH_POLL_STALE_SECONDS = 600
    Connection.objects.filter(pk=connection.pk).update(state="live")
    SyncRun.objects.create(connection=connection, status="ok", finished_at=timezone.now())
    ok = client.get("/healthz")
    assert ok.status_code == 200
    body = ok.json()
    assert body["database"] and body["broker"] and body["connections"][0]["ok"]
    SyncRun.objects.update(finished_at=timezone.now() - timedelta(hours=1))
    stale = client.get("/healthz")
    assert stale.status_code == 503 and stale.json()["status"] == "unhealthy"


@pytest.mark.django_db
def test_retention_deletes_old_logs_and_settled_items_but_keeps_open_and_dead_ones(connection):
    old = timezone.now() - timedelta(days=91)
    done = WorkItem.objects.create(connection=connection, object_type="patient",
                                   cliniko_id="1", state="done", snapshot_ciphertext="x")
    dead = WorkItem.objects.create(connection=connection, object_type="patient", cliniko_id="2",
                                   state="dead")
    WorkItem.objects.create(connection=connection, object_type="patient",
                            cliniko_id="3", state="skipped", snapshot_ciphertext="x")
    WorkAttempt.objects.create(work_item=dead, number=1, outcome="dead")
    run = SyncRun.objects.create(connection=connection, status="ok")
    WorkItem.objects.filter(pk__in=[done.pk, dead.pk]).update(updated_at=old)
    WorkAttempt.objects.update(started_at=old)
    SyncRun.objects.filter(pk=run.pk).update(started_at=old)
    counts = logs_purge(days=90)
    assert counts["runs"] == 1 and counts["snapshots"] == 2
    assert set(WorkItem.objects.values_list("cliniko_id", flat=True)) == {"2", "3"}
    assert not WorkAttempt.objects.exists()
    assert WorkItem.objects.get(cliniko_id="3").snapshot_ciphertext == ""


@pytest.mark.django_db
def test_a_connection_s_own_attempt_limit_decides_when_an_item_dies(connection):
    assert policy_for(connection) == DEFAULT_POLICY
    ResilienceSettings.objects.create(connection=connection, max_attempts=2,
                                      backoff_cap_seconds=5)
    policy = policy_for(connection)
    assert policy.max_attempts == 2 and policy.cap_seconds == 5
    item = WorkItem.objects.create(connection=connection, object_type="patient", cliniko_id="1",
                                   state="in_flight")
    error = ApiError("fergus", ErrorKind.SERVER, "Fergus POST /customers → 503")
    assert work_item_failed(item, error, policy=policy) == "retry"
    assert item.next_attempt_at <= timezone.now() + timedelta(seconds=5)
    assert work_item_failed(item, error, policy=policy) == "dead"


@pytest.mark.django_db
def test_the_admin_replays_a_connection_s_dead_letters_in_a_date_range_and_audits_it(
        admin_client, admin_user, connection):
    now = timezone.now()
    recent = WorkItem.objects.create(connection=connection, object_type="patient",
                                     cliniko_id="1", state="dead")
    old = WorkItem.objects.create(connection=connection, object_type="patient", cliniko_id="2",
                                  state="dead")
    WorkItem.objects.filter(pk=old.pk).update(updated_at=now - timedelta(days=10))
    page = admin_client.get("/admin/sync/workitem/replay-dead/")
    assert page.status_code == 200
    since = (now - timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    response = admin_client.post("/admin/sync/workitem/replay-dead/",
                                 {"connection": connection.pk, "since": since, "until": ""})
    assert response.status_code == 302
    recent.refresh_from_db()
    old.refresh_from_db()
    assert (recent.state, old.state) == ("pending", "dead")
    audit = ReplayAudit.objects.get()
    assert audit.actor == admin_user and audit.count == 1 and audit.scope.startswith("dead from")


@pytest.mark.django_db
def test_the_admin_action_replays_every_dead_item_of_the_selected_connection(
        admin_client, connection):
    items = [WorkItem.objects.create(connection=connection, object_type="patient",
                                     cliniko_id=str(n), state="dead") for n in range(3)]
    admin_client.post("/admin/sync/workitem/", {
        "action": "replay_all_dead_of_connection", "_selected_action": [items[0].pk]})
    assert not WorkItem.objects.filter(state="dead").exists()
    assert ReplayAudit.objects.get().scope == "all dead"
