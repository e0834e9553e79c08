"""One sync cycle of a connection: pull from Cliniko, then push the due work items.

Services shared by the tasks, the admin, the dashboard and the commands:
`connection_sync` (a cycle), `connection_backfill`, `record_resync`.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from sync.breaker import breaker_gate, breaker_observe
from sync.clients.base import ApiError, ErrorKind
from sync.counting import CountingPacer
from sync.lease import lease_acquire, lease_release, worker_identity
from sync.models import Connection, SyncRun, WorkItem
from sync.outbox import (
    AttemptStats,
    work_item_done,
    work_item_enqueue,
    work_item_failed,
    work_item_release,
    work_item_start,
    work_items_claim,
    work_items_recover,
)
from sync.pull import connection_pull
from sync.push import Outcome, PushContext, Skip, item_push
from sync.references import References, references_refresh, references_stale
from sync.retry import DEFAULT_POLICY, RetryPolicy, policy_for

log = logging.getLogger("sync.engine")
LEASE_SECONDS = 90  # renewed before every batch, so a dead holder frees it soon
COUNTED_ACTIONS = {"created": "created", "updated": "updated", "matched": "updated",
                   "archived": "updated", "deleted": "deleted", "unchanged": "unchanged"}


def _lease_seconds() -> float:
    # How long a killed worker blocks its connection; must exceed a cycle's time budget.
    return float(getattr(settings, "SYNC_LEASE_SECONDS", LEASE_SECONDS))


def _claim_seconds() -> float:
    # How long a killed worker's claimed items wait before coming back as unknown.
    return float(getattr(settings, "WORK_CLAIM_SECONDS", 150))


@dataclass
class Clients:
    cliniko: Any
    fergus: Any
    cliniko_count: CountingPacer
    fergus_count: CountingPacer


def clients_for(connection: Connection) -> Clients:
    from sync.clients.cliniko import ClinikoClient
    from sync.clients.fergus import FergusClient
    from sync.pacing import pacer_for

    c_count = CountingPacer(pacer_for(connection, "cliniko"))
    f_count = CountingPacer(pacer_for(connection, "fergus"))
    timeout = float(getattr(settings, "HTTP_TIMEOUT_SECONDS", 20.0))
    return Clients(ClinikoClient.for_connection(connection, pacer=c_count, timeout=timeout),
                   FergusClient.for_connection(connection, pacer=f_count, timeout=timeout),
                   c_count, f_count)


ClientFactory = Callable[[Connection], Clients]


def _safe_trace(exc: BaseException) -> str:
    # Frames only: an exception's text can quote a patient value.
    return "".join(traceback.format_tb(exc.__traceback__))[-2000:]


def _push_one(ctx: PushContext, run: SyncRun, clients: Clients, item: WorkItem,
              policy: RetryPolicy = DEFAULT_POLICY) -> bool:
    """Push one item and settle it. True when it failed for a retryable reason."""
    started = time.monotonic()
    before = (clients.cliniko_count.count, clients.fergus_count.count)

    def stats() -> AttemptStats:
        return AttemptStats(duration_ms=int((time.monotonic() - started) * 1000),
                            cliniko_requests=clients.cliniko_count.count - before[0],
                            fergus_requests=clients.fergus_count.count - before[1])

    work_item_start(item)
    try:
        outcome: Outcome = item_push(ctx, item)
    except Skip as skip:
        state = {"held": WorkItem.State.HELD, "skipped": WorkItem.State.SKIPPED}.get(
            skip.outcome, WorkItem.State.DONE)
        work_item_done(item, skip.outcome, stats(), state=state, skipped_by=skip.reason[:200])
        if skip.outcome == "skipped":
            run.skipped += 1
            reason = skip.reason[:120]
            run.skipped_by[reason] = run.skipped_by.get(reason, 0) + 1
        elif skip.outcome == "held":
            run.held += 1
        else:
            run.unchanged += 1
        return False
    except ApiError as exc:
        breaker_observe(ctx.connection.pk, exc)
        if exc.kind in (ErrorKind.AUTH, ErrorKind.FORBIDDEN):
            # The key, not the record: stop the pass, keep the item.
            work_item_release(item)
            raise
        state = work_item_failed(item, exc, stats(), policy=policy)
        run.failed += 1
        run.dead += int(state == WorkItem.State.DEAD)
        log.warning("work item %s (%s %s) failed: %s", item.pk, item.object_type,
                    item.cliniko_id, exc)
        return exc.retryable
    except Exception as exc:  # a bug must cost one item, not the run
        state = work_item_failed(item, exc, stats(), policy=policy)
        run.failed += 1
        run.dead += int(state == WorkItem.State.DEAD)
        log.error("work item %s failed with %s\n%s", item.pk, type(exc).__name__,
                  _safe_trace(exc))
        return False
    done_stats = stats()
    work_item_done(item, outcome.action, done_stats)
    if done_stats.fergus_requests:
        breaker_observe(ctx.connection.pk, None, api="fergus")
    counter = COUNTED_ACTIONS.get(outcome.action, "updated")
    setattr(run, counter, getattr(run, counter) + 1)
    for warning in outcome.warnings:
        ctx.warn(warning)
    return False


def push_due(ctx: PushContext, run: SyncRun, clients: Clients, *, worker: str,
             deadline: float, limit: int = 1000) -> None:
    """Push due items until none are left, the deadline passes or `limit` is reached.

    Three retryable failures in a row (Fergus down) end the pass early and give
    the rest of the batch back untouched: no attempts are burnt on an outage.
    """
    pushed = 0
    failures_in_a_row = 0
    policy = policy_for(ctx.connection)
    while pushed < limit and time.monotonic() < deadline:
        # Fergus's circuit breaker: while open, only one probe item per interval.
        gate = breaker_gate(ctx.connection.pk, "fergus")
        if gate == "open":
            return
        if not lease_acquire(ctx.connection.pk, worker, _lease_seconds()):
            return  # the lease lapsed and someone else took over: stop here
        # Small batches: a batch must finish within its claim even at Fergus's real
        # pace (about 1.5 requests a second, 4 requests for a new patient).
        size = 1 if gate == "probe" else min(10, limit - pushed)
        batch = work_items_claim(ctx.connection, worker=worker, limit=size,
                                 claim_seconds=_claim_seconds())
        if not batch:
            return
        for index, item in enumerate(batch):
            if time.monotonic() >= deadline or failures_in_a_row >= 3:
                for rest in batch[index:]:
                    work_item_release(rest, delay_seconds=min(30.0, policy.cap_seconds)
                                      if failures_in_a_row >= 3 else 0)
                return
            pushed += 1
            failures_in_a_row = failures_in_a_row + 1 if _push_one(ctx, run, clients, item,
                                                                   policy) else 0


def connection_sync(connection: Connection, *, kind: str = SyncRun.Kind.POLL,
                    worker: str | None = None, time_budget: float = 60.0,
                    push_limit: int = 1000, max_pages: int | None = 50,
                    pull: bool = True, clients: Clients | None = None) -> SyncRun:
    """One cycle under the connection's lease; returns the run with its counts."""
    holder = worker or worker_identity()
    if not lease_acquire(connection.pk, holder, _lease_seconds()):
        return SyncRun.objects.create(connection=connection, kind=kind,
                                      status=SyncRun.Status.BUSY, finished_at=timezone.now())
    run = SyncRun.objects.create(connection=connection, kind=kind)
    deadline = time.monotonic() + time_budget
    clients = clients or clients_for(connection)
    try:
        work_items_recover(connection)
        warnings: list[str] = []
        try:
            if references_stale(connection):
                warnings += references_refresh(connection, clients.cliniko, clients.fergus)
            if pull and breaker_gate(connection.pk, "cliniko") != "open":
                result = connection_pull(connection, clients.cliniko, run, max_pages=max_pages,
                                         origin="backfill" if kind == SyncRun.Kind.BACKFILL
                                         else "poll")
                run.fetched, run.queued = result.fetched, result.queued
                breaker_observe(connection.pk, None, api="cliniko")
        except ApiError as exc:
            if not exc.retryable:
                raise
            # Cliniko (or a reference read) is down or limiting us: what is already
            # queued can still reach Fergus. The pull resumes from its checkpoint.
            breaker_observe(connection.pk, exc)
            run.error = f"pull stopped: {exc}"[:2000]
            warnings.append(run.error)
        ctx = PushContext(connection, clients.cliniko, clients.fergus, run,
                          references=References(connection))
        push_due(ctx, run, clients, worker=holder, deadline=deadline, limit=push_limit)
        run.warnings = (warnings + ctx.warnings)[:200]
        run.status = (SyncRun.Status.PARTIAL if run.failed or run.error
                      else SyncRun.Status.OK)
    except ApiError as exc:
        run.status = SyncRun.Status.FAILED
        run.error = str(exc)[:2000]
        log.warning("sync of connection %s failed: %s", connection.pk, exc)
        breaker_observe(connection.pk, exc)
        if exc.kind in (ErrorKind.AUTH, ErrorKind.FORBIDDEN):
            connection_pause(connection, f"{exc.api.title()} rejected the credentials: {exc}")
    except Exception as exc:
        # A bug or a broken database: the run must not stay "running" for ever.
        run.status = SyncRun.Status.FAILED
        run.error = f"internal error: {type(exc).__name__}"
        log.error("sync of connection %s failed with %s\n%s", connection.pk,
                  type(exc).__name__, _safe_trace(exc))
        raise
    finally:
        run.cliniko_requests = clients.cliniko_count.count
        run.fergus_requests = clients.fergus_count.count
        run.finished_at = timezone.now()
        run.save()
        lease_release(connection.pk, holder)
    return run


def connection_pause(connection: Connection, reason: str) -> None:
    Connection.objects.filter(pk=connection.pk).update(
        state=Connection.State.PAUSED, state_reason=reason[:300], updated_at=timezone.now())
    log.warning("connection %s paused: %s", connection.pk, reason)


def connection_backfill(connection: Connection, *, progress: Callable[[int, int], None] | None
                        = None, time_budget: float = 3600.0, **kwargs: Any) -> list[SyncRun]:
    """Cycles until the backfill is complete and nothing is due."""
    from sync.pull import backfill_progress

    runs = []
    deadline = time.monotonic() + time_budget
    while time.monotonic() < deadline:
        run = connection_sync(connection, kind=SyncRun.Kind.BACKFILL,
                              time_budget=max(1.0, min(120.0, deadline - time.monotonic())),
                              **kwargs)
        runs.append(run)
        done, total, complete = backfill_progress(connection)
        if progress:
            progress(done, total)
        if run.status in (SyncRun.Status.FAILED, SyncRun.Status.BUSY):
            break
        due = WorkItem.objects.filter(connection=connection, state__in=WorkItem.OPEN_STATES,
                                      next_attempt_at__isnull=True).exists()
        if complete and not due and run.queued == 0:
            break
    return runs


RESOURCES = {"patient": "patients", "appointment": "individual_appointments",
             "invoice": "invoices"}


def record_resync(connection: Connection, object_type: str, cliniko_id: str, *,
                  origin: str = "resync") -> WorkItem:
    """Queue one Cliniko record to be pushed again now (the push re-reads it)."""
    item, _ = work_item_enqueue(connection, object_type, str(cliniko_id),
                                source_updated_at=None, snapshot={}, origin=origin)
    WorkItem.objects.filter(pk=item.pk).update(next_attempt_at=None, origin=origin)
    return item
