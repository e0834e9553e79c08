"""Dry run: the real pull and push code with every write intercepted and rolled back.

Classification (create, update, unchanged, delete, skip) comes from exactly the
code a real run uses; Fergus writes are recorded instead of sent, and every
database change is rolled back at the end.
"""

from __future__ import annotations

import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.db import transaction

from sync.clients.fergus_types import CreateResult
from sync.models import Connection, SyncRun, WorkItem
from sync.pull import connection_pull
from sync.push import PushContext
from sync.references import References, references_refresh

WRITES = {
    "customer_create", "customer_update", "customer_patch", "customer_delete", "site_create",
    "site_update", "site_archive", "site_restore", "note_create", "job_create",
    "job_update_draft", "job_finalise", "job_hold", "job_resume", "phase_create",
    "phase_update", "phase_void", "line_item_add", "line_item_update", "line_item_delete",
    "event_create", "event_update", "event_delete", "contact_create", "contact_update",
}
CREATES = {"customer_create", "site_create", "note_create", "job_create", "phase_create",
           "line_item_add", "event_create", "contact_create"}


class DryRunFergus:
    """Reads go to Fergus; writes are recorded and answered with made-up negative ids."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._ids = itertools.count(1)
        self.writes: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Any:
        if name in WRITES:
            return lambda *args, **kwargs: self._write(name)
        attr = getattr(self._real, name)
        if not callable(attr):
            return attr

        def read(*args: Any, **kwargs: Any) -> Any:
            # A made-up id exists only in this dry run: Fergus has nothing under it.
            if any(isinstance(a, int) and a < 0 for a in [*args, *kwargs.values()]):
                return [] if name.endswith("s") else None
            return attr(*args, **kwargs)

        return read

    def _write(self, name: str) -> Any:
        self.writes[name] += 1
        if name in CREATES:
            new_id = -next(self._ids)
            if name in ("customer_create", "site_create"):
                return CreateResult(id=new_id, created=True)
            return SimpleNamespace(id=new_id)
        return None


class _Rollback(Exception):
    pass


@dataclass
class DryRunReport:
    counts: dict[str, int]
    by_type: dict[str, dict[str, int]]
    fergus_writes: dict[str, int]
    samples: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    fetched: int = 0
    seconds: float = 0.0


def connection_dry_run(connection: Connection, *, clients: Any = None, max_pages: int | None
                       = None, sample_size: int = 20) -> DryRunReport:
    """What a sync would do now. Nothing is written to Fergus or kept in the database."""
    from sync.engine import _push_one, clients_for

    clients = clients or clients_for(connection)
    fake = DryRunFergus(clients.fergus)
    real_fergus, clients.fergus = clients.fergus, fake
    started = time.monotonic()
    report: DryRunReport | None = None
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(connection=connection, kind=SyncRun.Kind.DRY_RUN)
            warnings = references_refresh(connection, clients.cliniko, real_fergus)
            pulled = connection_pull(connection, clients.cliniko, run, max_pages=max_pages)
            ctx = PushContext(connection, clients.cliniko, fake, run, dry_run=True,
                              references=References(connection))
            by_type: dict[str, Counter[str]] = {}
            samples: list[dict[str, str]] = []
            for item in WorkItem.objects.filter(connection=connection,
                                                state__in=WorkItem.OPEN_STATES).order_by(
                                                    "priority", "created_at"):
                item.state = WorkItem.State.IN_FLIGHT
                _push_one(ctx, run, clients, item)
                item.refresh_from_db()
                action = item.outcome or item.state
                by_type.setdefault(item.object_type, Counter())[action] += 1
                if len(samples) < sample_size:
                    samples.append({"object_type": item.object_type,
                                    "cliniko_id": item.cliniko_id, "action": action,
                                    "reason": item.skipped_by or item.last_error})
            report = DryRunReport(
                counts={k: v for k, v in run.counts().items() if k != "fergus_requests"},
                by_type={k: dict(v) for k, v in by_type.items()},
                fergus_writes=dict(fake.writes), samples=samples,
                warnings=(warnings + ctx.warnings)[:100], fetched=pulled.fetched,
                seconds=round(time.monotonic() - started, 2))
            raise _Rollback
    except _Rollback:
        pass
    finally:
        clients.fergus = real_fergus
    assert report is not None
    return report
