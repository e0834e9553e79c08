"""Pull: read Cliniko changes by updated_at and queue them as work items.

The cursor of each resource is checkpointed after every page, in the same
transaction as that page's work items, so a crash resumes where it stopped:
never from scratch, never skipping. Re-reading starts OVERLAP before the
watermark (Cliniko timestamps have one-second precision and offset pages can
shift while records change); records already queued or delivered at the same
updated_at are recognised and not queued twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction

from sync.models import Connection, CrossReference, SyncCursor, SyncRun, WorkItem
from sync.models.work import ObjectType
from sync.outbox import work_item_enqueue

OVERLAP = timedelta(seconds=120)


@dataclass(frozen=True)
class Feed:
    resource: str  # Cliniko list endpoint
    object_type: str  # the work item it produces
    include_cancelled: bool = False
    parent_link: str | None = None  # child rows queue their parent record instead


FEEDS: dict[str, Feed] = {
    "patients": Feed("patients", ObjectType.PATIENT),
    "individual_appointments": Feed("individual_appointments", ObjectType.APPOINTMENT,
                                    include_cancelled=True),
    "invoices": Feed("invoices", ObjectType.INVOICE),
    # Item edits need not bump the invoice's updated_at: follow them on their own.
    "invoice_items": Feed("invoice_items", ObjectType.INVOICE, parent_link="invoice"),
}


def feeds_for(connection: Connection) -> list[Feed]:
    feeds = []
    if connection.sync_patients:
        feeds.append(FEEDS["patients"])
    if connection.sync_appointments:
        feeds.append(FEEDS["individual_appointments"])
    if connection.sync_invoices:
        feeds.extend([FEEDS["invoices"], FEEDS["invoice_items"]])
    return feeds


@dataclass
class PullResult:
    fetched: int = 0
    queued: int = 0
    pages: int = 0
    complete: bool = True
    per_resource: dict[str, int] = field(default_factory=dict)


def _link_id(raw: dict, name: str) -> str | None:
    url = ((raw.get(name) or {}).get("links") or {}).get("self") or ""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail if tail.isdigit() else None


def record_hash(raw: dict) -> str:
    blob = json.dumps(raw, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def _already_seen(connection: Connection, object_type: str,
                  rows: list[tuple[str, datetime | None, str]]) -> set[str]:
    """Ids whose change is already delivered, waiting, skipped or dead-lettered.

    A change is the same one when its updated_at is older than one we know, or
    equal with the same content hash (two edits in one second differ in content).
    Replay of a settled item is explicit, never a side effect of re-reading.
    """
    ids = [cid for cid, _, _ in rows]
    delivered = dict(CrossReference.objects.filter(
        connection=connection, object_type=object_type, cliniko_id__in=ids,
        source_updated_at__isnull=False,
    ).values_list("cliniko_id", "source_updated_at"))
    known: dict[str, list[tuple[datetime, str]]] = {}
    for cid, ts, digest in WorkItem.objects.filter(
        connection=connection, object_type=object_type, cliniko_id__in=ids,
        source_updated_at__isnull=False,
    ).values_list("cliniko_id", "source_updated_at", "source_hash"):
        known.setdefault(cid, []).append((ts, digest))
    seen = set()
    for cid, updated, digest in rows:
        if updated is None:
            continue
        newer_delivered = delivered.get(cid) is not None and delivered[cid] > updated
        same_known = any(ts > updated or (ts == updated and h == digest)
                         for ts, h in known.get(cid, []))
        if newer_delivered or same_known:
            seen.add(cid)
    return seen


def _queue_page(connection: Connection, feed: Feed, records: Iterable[Any], run: SyncRun,
                origin: str) -> int:
    rows: list[tuple[str, datetime | None, str, dict]] = []
    for record in records:
        raw = record.raw
        digest = record_hash(raw)
        if feed.parent_link:
            parent = _link_id(raw, feed.parent_link)
            if parent is None:
                continue
            # The parent is re-read at push time; the snapshot only names it.
            rows.append((parent, record.updated_at, digest, {"id": parent, "_refetch": True}))
        else:
            rows.append((str(record.id), record.updated_at, digest, raw))
    seen = _already_seen(connection, feed.object_type, [(c, t, h) for c, t, h, _ in rows])
    queued = 0
    for cliniko_id, updated_at, digest, snapshot in rows:
        if cliniko_id in seen:
            continue
        _, created = work_item_enqueue(connection, feed.object_type, cliniko_id,
                                       source_updated_at=updated_at, snapshot=snapshot,
                                       origin=origin, run=run, source_hash=digest)
        queued += int(created)
    return queued


def _utc(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def keyset_pages(client: Any, feed: Feed, since: datetime | None,
                 per_page: int = 100) -> Iterator[Any]:
    """Pages in updated_at order, each a fresh query from the newest timestamp seen.

    Following Cliniko's offset `links.next` over a long scan can skip a record
    when an earlier one is edited mid-scan (everything after it shifts up a
    position). Re-querying from the watermark cannot skip. A run of more than
    a page of records sharing one timestamp is walked with offset pages inside
    `updated_at >= t and <= t`, then the scan continues strictly after t.
    """
    kwargs = {"include_archived": True, "include_cancelled": feed.include_cancelled}
    strictly_after: datetime | None = None
    while True:
        extra = (f"updated_at:>{_utc(strictly_after)}",) if strictly_after else ()
        pages = client.iter_pages(feed.resource, updated_since=None if extra else since,
                                  extra_q=extra, **kwargs)
        page = next(iter(pages), None)
        if page is None or not page.items:
            return
        yield page
        stamps = [r.updated_at for r in page.items if r.updated_at]
        if len(page.items) < per_page or not stamps:
            return
        newest, oldest = max(stamps), min(stamps)
        if newest == oldest:
            # A full page of one timestamp: walk all rows at exactly that time.
            at = (f"updated_at:>={_utc(newest)}", f"updated_at:<={_utc(newest)}")
            tie_pages = iter(client.iter_pages(feed.resource, updated_since=None, extra_q=at,
                                               **kwargs))
            next(tie_pages, None)  # the first page is the one just yielded
            yield from tie_pages
            strictly_after, since = newest, None
        else:
            since, strictly_after = newest, None


def connection_pull(connection: Connection, client: Any, run: SyncRun, *,
                    max_pages: int | None = None, origin: str = "poll") -> PullResult:
    """Queue every change since each feed's watermark. `max_pages` bounds one call."""
    result = PullResult()
    for feed in feeds_for(connection):
        cursor, _ = SyncCursor.objects.get_or_create(connection=connection,
                                                     resource=feed.resource)
        since = cursor.watermark - OVERLAP if cursor.watermark else None
        backfilling = not cursor.backfill_complete
        first_page = True
        stopped_early = False
        for page in keyset_pages(client, feed, since):
            with transaction.atomic():
                queued = _queue_page(connection, feed, page.items, run,
                                     "backfill" if backfilling else origin)
                newest = max((r.updated_at for r in page.items if r.updated_at), default=None)
                if newest and (cursor.watermark is None or newest > cursor.watermark):
                    cursor.watermark = newest
                if backfilling:
                    if first_page:
                        cursor.backfill_total = max(cursor.backfill_total,
                                                    cursor.backfill_done + page.total_entries)
                    cursor.backfill_done += len(page.items)
                cursor.save()
            first_page = False
            result.pages += 1
            result.fetched += len(page.items)
            result.queued += queued
            result.per_resource[feed.resource] = (
                result.per_resource.get(feed.resource, 0) + len(page.items))
            if max_pages is not None and result.pages >= max_pages:
                stopped_early = True
                break
        if stopped_early:
            result.complete = False
            break
        if backfilling:
            cursor.backfill_complete = True
            cursor.backfill_done = max(cursor.backfill_done, cursor.backfill_total)
            cursor.save(update_fields=["backfill_complete", "backfill_done", "updated_at"])
    return result


def backfill_progress(connection: Connection) -> tuple[int, int, bool]:
    """(done, total, complete) over every feed of the connection."""
    cursors = list(SyncCursor.objects.filter(connection=connection))
    done = sum(c.backfill_done for c in cursors)
    total = sum(c.backfill_total for c in cursors)
    complete = bool(cursors) and all(c.backfill_complete for c in cursors)
    return done, total, complete
