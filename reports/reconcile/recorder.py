"""Record what a run finds: one Mismatch row per key, matched across runs.

Found mismatches are buffered and written in batches, so a run over a large
clinic costs a few queries per hundred findings, not several per finding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.utils import timezone

from reports.models import Mismatch, ReconciliationRun

State = Mismatch.State
FLUSH_EVERY = 200


@dataclass
class Finding:
    kind: str
    object_type: str
    key: str
    cliniko_id: str = ""
    fergus_id: int | None = None
    field: str = ""
    detail: dict = dc_field(default_factory=dict)
    values: tuple[Any, Any] | None = None  # (cliniko side, fergus side): patient values


class Recorder:
    def __init__(self, run: ReconciliationRun) -> None:
        self.run = run
        self.counts: Counter[str] = Counter()
        self.new = 0
        self._buffer: dict[str, Finding] = {}

    def found(self, kind: str, object_type: str, *, key: str | None = None,
              cliniko_id: str = "", fergus_id: int | None = None, field: str = "",
              detail: dict | None = None, values: tuple[Any, Any] | None = None) -> None:
        key = key or ":".join(p for p in (kind, object_type, cliniko_id or str(fergus_id or ""),
                                          field) if p)
        if key in self._buffer:
            return
        self.counts[kind] += 1
        self._buffer[key] = Finding(kind, object_type, key[:200], str(cliniko_id or ""),
                                    fergus_id, field[:80], detail or {}, values)
        if len(self._buffer) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        now = timezone.now()
        connection_id = self.run.connection_id
        existing = {m.key: m for m in Mismatch.objects.filter(
            connection_id=connection_id, key__in=list(self._buffer))}
        updates, creates = [], []
        for key, f in self._buffer.items():
            m = existing.get(key)
            if m is None:
                m = Mismatch(connection_id=connection_id, key=key, first_run=self.run,
                             first_seen=now)
                creates.append(m)
            else:
                updates.append(m)
                if m.state in (State.RESOLVED_BY_RESYNC, State.RESOLVED_BY_NEXT_RUN):
                    # Back again: reopen rather than repeat.
                    m.state, m.resolved_at, m.resync_item = State.OPEN, None, None
            m.run, m.last_seen = self.run, now
            m.kind, m.object_type, m.cliniko_id = f.kind, f.object_type, f.cliniko_id
            m.fergus_id, m.field, m.detail = f.fergus_id, f.field, f.detail
            if f.values is not None:
                m.values_set(*f.values)
            else:
                m.values_ciphertext = ""
        Mismatch.objects.bulk_create(creates, batch_size=500)
        Mismatch.objects.bulk_update(
            updates, ["run", "last_seen", "kind", "object_type", "cliniko_id", "fergus_id",
                      "field", "detail", "values_ciphertext", "state", "resolved_at",
                      "resync_item"], batch_size=500)
        self.new += len(creates)
        self._buffer.clear()

    def finish(self) -> int:
        """Resolve what this run did not find again. Call only after a complete run."""
        self.flush()
        return Mismatch.objects.filter(
            connection_id=self.run.connection_id, state=State.OPEN,
        ).exclude(run=self.run).update(state=State.RESOLVED_BY_NEXT_RUN,
                                       resolved_at=timezone.now())
