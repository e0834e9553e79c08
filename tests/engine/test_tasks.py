from __future__ import annotations

import pytest

from sync.lease import lease_acquire
from sync.models import Connection, SyncRun
from sync.tasks import connection_cycle, connections_watchdog

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def queued(monkeypatch) -> list[str]:
    """Functions enqueued with async_task (whatever the broker: ORM or Redis)."""
    import django_q.tasks

    calls: list[str] = []
    monkeypatch.setattr(django_q.tasks, "async_task",
                        lambda func, *args, **kwargs: calls.append(func))
    return calls


def test_a_second_loop_for_the_same_connection_never_starts(live):
    assert lease_acquire(live.connection.pk, "loop:someone-else", 60)
    assert connection_cycle(live.connection.pk) == "another loop holds the lease"
    assert not SyncRun.objects.exists()


def test_the_loop_runs_cycles_then_hands_over_to_a_fresh_task(live, settings, queued):
    settings.CYCLE_TASK_SECONDS = 1.0
    result = connection_cycle(live.connection.pk)
    assert result.endswith("cycles") and not result.startswith("0 ")
    assert SyncRun.objects.filter(status="ok").exists()
    assert queued == ["sync.tasks.connection_cycle"]


def test_a_paused_connection_stops_its_loop(live, queued):
    Connection.objects.filter(pk=live.connection.pk).update(state="paused")
    assert connection_cycle(live.connection.pk) == "connection is not live"
    assert queued == []


def test_the_watchdog_starts_a_loop_only_where_none_runs(live, connection, queued):
    Connection.objects.filter(pk=connection.pk).update(state="live")
    lease_acquire(connection.pk, "loop:busy", 60)
    assert connections_watchdog() == 1  # only the live connection without a loop
    assert queued == ["sync.tasks.connection_cycle"]
