"""Work items: enqueue (superseding), claim, and settle. The durable outbox."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from sync import crypto
from sync.clients.base import ApiError, ErrorKind
from sync.models import Connection, SyncRun, WorkAttempt, WorkItem
from sync.models.work import PUSH_ORDER
from sync.retry import DEFAULT_POLICY, RetryPolicy

State = WorkItem.State


def snapshot_encode(snapshot: dict) -> str:
    return crypto.encrypt(json.dumps(snapshot, separators=(",", ":"), sort_keys=True))


def snapshot_decode(item: WorkItem) -> dict:
    if not item.snapshot_ciphertext:
        return {}
    return json.loads(crypto.decrypt(item.snapshot_ciphertext,
                                     what=f"the snapshot of work item {item.pk}"))


def work_item_enqueue(
    connection: Connection,
    object_type: str,
    cliniko_id: str,
    *,
    source_updated_at: datetime | None,
    snapshot: dict,
    origin: str = "poll",
    run: SyncRun | None = None,
    source_hash: str = "",
) -> tuple[WorkItem, bool]:
    """Queue a change; a waiting item for the same record is superseded, not doubled.

    Returns (item, created). An older change than the one waiting is ignored.
    """
    ciphertext = snapshot_encode(snapshot)
    for _ in range(3):
        try:
            with transaction.atomic():
                waiting = (
                    WorkItem.objects.select_for_update()
                    .filter(connection=connection, object_type=object_type,
                            cliniko_id=cliniko_id, state__in=WorkItem.OPEN_STATES)
                    .first()
                )
                if waiting is not None:
                    if (waiting.source_updated_at and source_updated_at
                            and source_updated_at < waiting.source_updated_at):
                        return waiting, False
                    waiting.snapshot_ciphertext = ciphertext
                    waiting.source_updated_at = source_updated_at
                    waiting.source_hash = source_hash
                    if origin in ("resync", "replay"):
                        waiting.next_attempt_at = None
                        waiting.origin = origin
                    waiting.save(update_fields=["snapshot_ciphertext", "source_updated_at",
                                                "source_hash",
                                                "next_attempt_at", "origin", "updated_at"])
                    return waiting, False
                item = WorkItem.objects.create(
                    connection=connection, object_type=object_type, cliniko_id=str(cliniko_id),
                    source_updated_at=source_updated_at, snapshot_ciphertext=ciphertext,
                    priority=PUSH_ORDER[object_type], origin=origin, run=run,
                    source_hash=source_hash,
                )
                return item, True
        except IntegrityError:
            continue  # another worker queued the same record at the same moment
    raise RuntimeError(f"Could not queue {object_type} {cliniko_id}: repeated conflicts.")


def work_items_claim(
    connection: Connection, *, worker: str, limit: int, claim_seconds: float = 300,
    object_types: tuple[str, ...] | None = None,
) -> list[WorkItem]:
    """Claim due items with conditional updates, so two workers never take one item."""
    now = timezone.now()
    busy_record = WorkItem.objects.filter(
        connection=connection, state=State.IN_FLIGHT, object_type=OuterRef("object_type"),
        cliniko_id=OuterRef("cliniko_id"),
    )
    due = WorkItem.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        connection=connection, state__in=WorkItem.OPEN_STATES,
    )
    if object_types:
        due = due.filter(object_type__in=object_types)
    candidates = list(
        due.annotate(busy=Exists(busy_record)).filter(busy=False)
        .order_by("priority", "created_at").values_list("pk", "state")[: limit * 2]
    )
    claimed: list[int] = []
    until = now + timedelta(seconds=claim_seconds)
    for pk, state in candidates:
        if len(claimed) >= limit:
            break
        changes: dict[str, Any] = {"state": State.IN_FLIGHT, "claimed_by": worker,
                                   "claimed_until": until, "updated_at": now}
        if state == State.UNKNOWN:
            changes["look_first"] = True
        if WorkItem.objects.filter(pk=pk, state=state).update(**changes) == 1:
            claimed.append(pk)
    items = {i.pk: i for i in WorkItem.objects.filter(pk__in=claimed)}
    return [items[pk] for pk in claimed]


def work_items_recover(connection: Connection | None = None) -> int:
    """In-flight items whose claim lapsed (a worker died): a write may have happened,
    so they come back as *unknown* and the next attempt looks before writing."""
    qs = WorkItem.objects.filter(state=State.IN_FLIGHT, claimed_until__lt=timezone.now())
    if connection is not None:
        qs = qs.filter(connection=connection)
    started = qs.filter(started_at__isnull=False).update(
        state=State.UNKNOWN, look_first=True, claimed_by="", claimed_until=None, started_at=None)
    untouched = qs.filter(started_at__isnull=True).update(
        state=State.PENDING, claimed_by="", claimed_until=None)
    return started + untouched


def work_item_start(item: WorkItem) -> None:
    """Mark the moment a worker begins sending this item (see started_at)."""
    item.started_at = timezone.now()
    WorkItem.objects.filter(pk=item.pk).update(started_at=item.started_at)


@dataclass
class AttemptStats:
    duration_ms: int = 0
    fergus_requests: int = 0
    cliniko_requests: int = 0


def _record_attempt(item: WorkItem, outcome: str, stats: AttemptStats, error: str = "",
                    error_kind: str = "") -> None:
    WorkAttempt.objects.create(
        work_item=item, number=item.attempts, outcome=outcome, error=error,
        error_kind=error_kind, duration_ms=stats.duration_ms,
        fergus_requests=stats.fergus_requests, cliniko_requests=stats.cliniko_requests,
    )


@transaction.atomic
def work_item_done(item: WorkItem, outcome: str, stats: AttemptStats | None = None,
                   *, state: str = State.DONE, skipped_by: str = "") -> None:
    stats = stats or AttemptStats()
    item.attempts += 1
    item.state = state
    item.outcome = outcome
    item.skipped_by = skipped_by
    if state in (State.DONE, State.SKIPPED):
        item.snapshot_ciphertext = ""  # delivered: purge the patient data
    item.done_at = timezone.now()
    item.claimed_by, item.claimed_until, item.look_first = "", None, False
    item.started_at = None
    item.last_error, item.last_error_kind = "", ""
    item.save()
    _record_attempt(item, outcome, stats)


@transaction.atomic
def work_item_failed(
    item: WorkItem, error: ApiError | Exception, stats: AttemptStats | None = None,
    *, policy: RetryPolicy = DEFAULT_POLICY,
) -> str:
    """Settle a failed attempt: retry later, look first (unknown), or dead-letter."""
    stats = stats or AttemptStats()
    item.attempts += 1
    kind = error.kind if isinstance(error, ApiError) else "internal"
    message = str(error) if isinstance(error, ApiError) else f"{type(error).__name__} in the sync"
    retryable = isinstance(error, ApiError) and error.retryable
    if kind == ErrorKind.TIMEOUT:
        item.look_first = True
    limit = policy.max_attempts if retryable else policy.max_permanent_attempts
    if item.attempts >= limit:
        item.state = State.DEAD
        item.next_attempt_at = None
    else:
        item.state = State.UNKNOWN if item.look_first else State.RETRY
        retry_after = error.retry_after if isinstance(error, ApiError) else None
        item.next_attempt_at = timezone.now() + timedelta(
            seconds=policy.delay(item.attempts, retry_after=retry_after))
    item.last_error, item.last_error_kind = message[:2000], kind
    item.claimed_by, item.claimed_until, item.started_at = "", None, None
    item.save()
    _record_attempt(item, item.state, stats, message[:2000], kind)
    return item.state


@transaction.atomic
def work_item_release(item: WorkItem, *, delay_seconds: float = 0.0) -> None:
    """Give an item back without counting an attempt (a paused API, a full budget)."""
    WorkItem.objects.filter(pk=item.pk, state=State.IN_FLIGHT).update(
        state=State.UNKNOWN if item.look_first else State.PENDING,
        claimed_by="", claimed_until=None, started_at=None,
        next_attempt_at=(
            timezone.now() + timedelta(seconds=delay_seconds) if delay_seconds else None
        ),
    )
