"""Services the pages, the admin, the tasks and the command share."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from reports.models import Mismatch, ReconciliationSetting
from sync.models import Connection, WorkItem

State = Mismatch.State
RECONCILE_TASK = "reports.tasks.reconcile_task"


def schedule_name(connection: Connection) -> str:
    return f"reconcile: connection {connection.pk}"


def reconciliation_setting_for(connection: Connection) -> ReconciliationSetting:
    setting, _ = ReconciliationSetting.objects.get_or_create(connection=connection)
    return setting


def next_local_run(setting: ReconciliationSetting, now: datetime | None = None) -> datetime:
    """The next time the connection's clock shows `setting.at` (on the weekday, if weekly)."""
    zone = setting.connection.zone
    local_now = (now or timezone.now()).astimezone(zone)
    candidate = local_now.replace(hour=setting.at.hour, minute=setting.at.minute, second=0,
                                  microsecond=0)
    if setting.frequency == ReconciliationSetting.Frequency.WEEKLY:
        candidate += timedelta(days=(setting.weekday - candidate.weekday()) % 7)
        step = timedelta(days=7)
    else:
        step = timedelta(days=1)
    if candidate <= local_now:
        candidate += step
    # Aware zoneinfo arithmetic keeps the wall time across a DST change.
    return candidate.astimezone(UTC)


def reconcile_schedule_ensure(connection: Connection) -> Any:
    """Make the connection's django-q2 schedule match its setting (None when off)."""
    from django_q.models import Schedule

    setting = reconciliation_setting_for(connection)
    name = schedule_name(connection)
    if setting.frequency == ReconciliationSetting.Frequency.OFF:
        Schedule.objects.filter(name=name).delete()
        return None
    kind = (Schedule.WEEKLY if setting.frequency == ReconciliationSetting.Frequency.WEEKLY
            else Schedule.DAILY)
    schedule, _ = Schedule.objects.update_or_create(
        name=name,
        defaults={"func": RECONCILE_TASK, "args": repr((connection.pk, "schedule")),
                  "schedule_type": kind, "repeats": -1, "next_run": next_local_run(setting)},
    )
    return schedule


def reconcile_schedule_remove(connection_id: int) -> None:
    from django_q.models import Schedule

    Schedule.objects.filter(name=f"reconcile: connection {connection_id}").delete()


def reconcile_enqueue(connection: Connection, *, trigger: str = "button") -> None:
    """The on-demand button: run a reconciliation on a worker."""
    from django_q.tasks import async_task

    transaction.on_commit(lambda: async_task(
        RECONCILE_TASK, connection.pk, trigger, task_name=f"reconcile-{connection.pk}",
        group="reconcile"))


def mismatches_settle(connection: Connection | None = None) -> int:
    """Open mismatches whose re-sync work item has ended done become resolved_by_resync.

    Called lazily (the report page, every reconciliation) instead of hooking the
    engine: the row updates as soon as anyone looks after the worker ran.
    """
    pending = Mismatch.objects.filter(state=State.OPEN, resync_item__isnull=False,
                                      resync_item__state=WorkItem.State.DONE)
    if connection is not None:
        pending = pending.filter(connection=connection)
    return pending.update(state=State.RESOLVED_BY_RESYNC, resolved_at=timezone.now())


def mismatch_resync(mismatch: Mismatch, user: Any = None) -> WorkItem | None:
    """Queue the record behind a mismatch through the engine's re-sync service."""
    from sync.engine import record_resync

    if not mismatch.can_resync or mismatch.state == State.IGNORED:
        return None
    item = record_resync(mismatch.connection, mismatch.object_type, mismatch.cliniko_id)
    Mismatch.objects.filter(pk=mismatch.pk).update(
        resync_item=item, resync_by=user if getattr(user, "pk", None) else None,
        resync_requested_at=timezone.now(), state=State.OPEN)
    mismatch.resync_item = item
    return item


def mismatches_resync(mismatches: Iterable[Mismatch], user: Any = None) -> int:
    """Re-sync several; one work item per record even when it has several mismatches."""
    queued: dict[tuple[int, str, str], WorkItem] = {}
    count = 0
    for mismatch in mismatches:
        if not mismatch.can_resync or mismatch.state == State.IGNORED:
            continue
        record = (mismatch.connection_id, mismatch.object_type, mismatch.cliniko_id)
        if record in queued:
            Mismatch.objects.filter(pk=mismatch.pk).update(
                resync_item=queued[record], resync_by=user, resync_requested_at=timezone.now())
        else:
            item = mismatch_resync(mismatch, user)
            if item is None:
                continue
            queued[record] = item
        count += 1
    return count


def mismatch_ignore(mismatch: Mismatch, user: Any, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ValueError("Say why the mismatch is ignored.")
    mismatch.state, mismatch.ignored_reason = State.IGNORED, reason[:300]
    mismatch.ignored_by, mismatch.ignored_at = user, timezone.now()
    mismatch.save(update_fields=["state", "ignored_reason", "ignored_by", "ignored_at"])


def mismatch_reopen(mismatch: Mismatch) -> None:
    mismatch.state, mismatch.ignored_reason = State.OPEN, ""
    mismatch.ignored_by = mismatch.ignored_at = None
    mismatch.save(update_fields=["state", "ignored_reason", "ignored_by", "ignored_at"])
