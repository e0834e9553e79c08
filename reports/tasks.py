"""django-q2 entry points: take ids, fetch the row, call a service."""

from __future__ import annotations

from sync.models import Connection


def reconcile_task(connection_id: int, trigger: str = "schedule") -> dict:
    from reports.reconcile import connection_reconcile
    from reports.services import reconcile_schedule_ensure

    connection = Connection.objects.filter(pk=connection_id).first()
    if connection is None:
        return {"skipped": "connection deleted"}
    run = connection_reconcile(connection, trigger=trigger)
    if trigger == "schedule":
        # django-q2 steps a day/week in UTC; put the next run back on local wall time.
        reconcile_schedule_ensure(connection)
    return {"run": run.pk, "status": run.status, "counts": run.counts}
