"""Retention: delivered snapshots go at once; sync logs after LOG_RETENTION_DAYS."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from sync.models import SyncRun, WorkAttempt, WorkItem

State = WorkItem.State
# Settled items whose patient data is no longer needed. Held items keep theirs (they
# are pushed on approval); dead ones keep theirs until replayed or closed.
SETTLED = (State.DONE, State.SKIPPED)


def snapshots_purge() -> int:
    """Belt and braces: work_item_done empties snapshots already."""
    return WorkItem.objects.filter(state__in=SETTLED).exclude(snapshot_ciphertext="").update(
        snapshot_ciphertext="")


def logs_purge(*, days: int | None = None) -> dict[str, int]:
    """Delete runs, attempts and settled items older than the retention period."""
    days = int(days if days is not None else getattr(settings, "LOG_RETENTION_DAYS", 90))
    cutoff = timezone.now() - timedelta(days=days)
    counts = {"snapshots": snapshots_purge()}
    counts["attempts"] = WorkAttempt.objects.filter(started_at__lt=cutoff).delete()[0]
    counts["items"] = WorkItem.objects.filter(state__in=SETTLED, updated_at__lt=cutoff).delete()[0]
    counts["runs"] = SyncRun.objects.filter(started_at__lt=cutoff).exclude(
        status=SyncRun.Status.RUNNING).delete()[0]
    return counts
