"""What every check shares: clients, the live mapping, and per-page lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mappings import services as mapping_services
from mappings.engine import MappingResult, evaluate_filters, map_record
from reports.models import ReconciliationSetting
from reports.reconcile.recorder import Recorder
from sync.models import Connection, CrossReference, WorkItem

# A record whose latest work item is in one of these states is not "missing":
# it was skipped by a filter, is held, is still on its way, or is dead-lettered
# (reported as its own kind).
NOT_MISSING_STATES = {WorkItem.State.SKIPPED, WorkItem.State.HELD, WorkItem.State.PENDING,
                      WorkItem.State.IN_FLIGHT, WorkItem.State.RETRY, WorkItem.State.UNKNOWN,
                      WorkItem.State.DEAD}


@dataclass(frozen=True)
class Link:
    fergus_id: int | None
    state: str
    extra: dict


@dataclass
class Recon:
    connection: Connection
    cliniko: Any
    fergus: Any
    recorder: Recorder
    setting: ReconciliationSetting
    references: Any
    checked: dict[str, int] = field(default_factory=dict)
    _rules: dict[str, list] = field(default_factory=dict)
    _filters: dict[str, list] = field(default_factory=dict)
    _translations: dict | None = None

    @property
    def translations(self) -> dict:
        if self._translations is None:
            self._translations = mapping_services.load_translations(self.connection)
        return self._translations

    def map(self, kind: str, raw: dict, context: dict) -> MappingResult:
        if kind not in self._rules:
            self._rules[kind] = mapping_services.load_rules(self.connection, kind)
        context = {"translations": self.translations, "time_zone": self.connection.time_zone,
                   **context}
        return map_record(self._rules[kind], raw, context)

    def filtered_out(self, kind: str, raw: dict, context: dict) -> bool:
        if kind not in self._filters:
            self._filters[kind] = mapping_services.load_filters(self.connection, kind)
        return evaluate_filters(self._filters[kind], raw, context) is not None

    def links(self, object_type: str, ids: list[str]) -> dict[str, Link]:
        return {cid: Link(fid, state, extra or {}) for cid, fid, state, extra in
                CrossReference.objects.filter(connection=self.connection,
                                              object_type=object_type, cliniko_id__in=ids)
                .values_list("cliniko_id", "fergus_id", "state", "extra")}

    def item_states(self, object_type: str, ids: list[str]) -> dict[str, str]:
        """The state of each record's latest work item."""
        states: dict[str, str] = {}
        for cid, state in (WorkItem.objects.filter(connection=self.connection,
                                                   object_type=object_type, cliniko_id__in=ids)
                           .order_by("pk").values_list("cliniko_id", "state")):
            states[cid] = state
        return states

    def missing_unless_explained(self, object_type: str, cliniko_id: str,
                                 states: dict[str, str]) -> None:
        if states.get(cliniko_id) in NOT_MISSING_STATES:
            return
        self.recorder.found("missing_in_fergus", object_type, cliniko_id=cliniko_id)

    def count(self, what: str, n: int) -> None:
        self.checked[what] = self.checked.get(what, 0) + n


def epoch(value: datetime | None) -> int:
    return int(value.timestamp()) if value else 0


def not_found(exc: Exception) -> bool:
    from sync.clients.base import ApiError, ErrorKind

    return isinstance(exc, ApiError) and exc.kind == ErrorKind.NOT_FOUND
