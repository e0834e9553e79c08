"""django-q2 task entry points: take ids, fetch the row, call a service.

The fast loop: `connection_cycle` runs sync cycles of one live connection for
up to CYCLE_TASK_SECONDS, sleeping the connection's poll interval between
them, then hands over to a fresh task. It holds the connection's loop lease the
whole time, so a second loop for the same connection never starts; the
`connections_watchdog` schedule (every minute) restarts loops that died.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sync.lease import lease_acquire, lease_release, worker_identity
from sync.models import Connection, ConnectionLease

log = logging.getLogger("sync.tasks")


def _cycle_seconds() -> float:
    timeout = settings.Q_CLUSTER.get("timeout", 300)
    return float(getattr(settings, "CYCLE_TASK_SECONDS", min(120, timeout * 0.5)))


def connection_cycle(connection_id: int) -> str:
    from sync.engine import connection_sync

    holder = f"loop:{worker_identity()}"
    if not lease_acquire(connection_id, holder, _cycle_seconds() + 60):
        return "another loop holds the lease"
    ends = time.monotonic() + _cycle_seconds()
    cycles = 0
    try:
        while time.monotonic() < ends:
            connection = Connection.objects.filter(pk=connection_id).first()
            if connection is None or connection.state != Connection.State.LIVE:
                return "connection is not live"
            budget = max(5.0, min(60.0, ends - time.monotonic()))
            connection_sync(connection, worker=holder, time_budget=budget)
            cycles += 1
            # connection_sync releases the lease when it finishes; take it back
            # at once for the rest of this loop.
            if not lease_acquire(connection_id, holder, _cycle_seconds() + 60):
                return f"{cycles} cycles; lease lost"
            ConnectionLease.objects.filter(connection_id=connection_id).update(
                next_cycle_at=timezone.now())
            pause = min(connection.poll_interval_seconds, max(0.0, ends - time.monotonic()))
            time.sleep(pause)
    finally:
        lease_release(connection_id, holder)
    connection_loop_start(connection_id)
    return f"{cycles} cycles"


def connection_loop_start(connection_id: int) -> None:
    """Enqueue a loop task once the current transaction commits."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(
        "sync.tasks.connection_cycle", connection_id, task_name=f"cycle-{connection_id}",
        group="sync-cycles"))


def connections_watchdog() -> int:
    """Start a loop for every live connection that has none (died or never started)."""
    from sync.lease import lease_is_held

    started = 0
    for connection_id in Connection.objects.filter(state=Connection.State.LIVE).values_list(
            "pk", flat=True):
        if not lease_is_held(connection_id):
            connection_loop_start(connection_id)
            started += 1
    return started


def connection_sync_task(connection_id: int, kind: str = "poll") -> dict:
    from sync.engine import connection_sync

    connection = Connection.objects.get(pk=connection_id)
    run = connection_sync(connection, kind=kind)
    return {"run": run.pk, "status": run.status}


def references_refresh_task(connection_id: int) -> int:
    from sync.engine import clients_for
    from sync.references import references_refresh

    connection = Connection.objects.get(pk=connection_id)
    clients = clients_for(connection)
    return len(references_refresh(connection, clients.cliniko, clients.fergus))
