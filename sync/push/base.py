"""What every push handler shares: the context, outcomes, hashing, mapping calls."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from mappings import services as mapping_services
from mappings.engine import MappingResult, evaluate_filters, map_record
from sync.clients.base import ApiError, ErrorKind
from sync.models import Connection, CrossReference, SyncRun

log = logging.getLogger("sync.push")


class MappingFailed(ApiError):
    """The mapping reported an error for this record: a permanent problem."""

    def __init__(self, object_type: str, cliniko_id: str, problems: list[Any]) -> None:
        summary = "; ".join(str(p) for p in problems)[:800]
        super().__init__(
            api="mapping", kind=ErrorKind.VALIDATION,
            message=f"{object_type} {cliniko_id}: the mapping cannot build a valid Fergus "
                    f"record: {summary}. Fix the record in Cliniko or the mapping, then replay.",
        )


@dataclass
class Skip(Exception):
    """The record is not pushed: filtered, held for approval, or nothing to do."""

    outcome: str  # skipped, held, unchanged
    reason: str = ""


@dataclass
class Outcome:
    action: str  # created, updated, unchanged, deleted, archived, matched, skipped, held
    fergus_id: int | None = None
    warnings: list[str] = field(default_factory=list)


def payload_hash(payload: Any) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        return str(value)

    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=default)
    return hashlib.sha256(blob.encode()).hexdigest()


def jsonable(payload: Any) -> Any:
    """Decimals become JSON numbers (Fergus money is a plain number)."""
    if isinstance(payload, dict):
        return {k: jsonable(v) for k, v in payload.items()}
    if isinstance(payload, list):
        return [jsonable(v) for v in payload]
    if isinstance(payload, Decimal):
        return float(payload) if payload != payload.to_integral_value() else int(payload)
    return payload


def link_id(raw: dict, name: str) -> str | None:
    url = ((raw.get(name) or {}).get("links") or {}).get("self") or ""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail if tail.isdigit() else None


@dataclass
class PushContext:
    """Everything one push pass needs, loaded once per pass."""

    connection: Connection
    cliniko: Any
    fergus: Any
    run: SyncRun | None = None
    dry_run: bool = False
    force: bool = False  # write even when the payload hash is unchanged (re-sync)
    references: Any = None  # sync.references.References
    _rules: dict[str, list] = field(default_factory=dict)
    _filters: dict[str, list] = field(default_factory=dict)
    _translations: dict | None = None
    _holds: dict[str, bool] = field(default_factory=dict)
    _patients: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def rules(self, kind: str) -> list:
        if kind not in self._rules:
            self._rules[kind] = mapping_services.load_rules(self.connection, kind)
        return self._rules[kind]

    def filters(self, kind: str) -> list:
        if kind not in self._filters:
            self._filters[kind] = mapping_services.load_filters(self.connection, kind)
        return self._filters[kind]

    @property
    def translations(self) -> dict:
        if self._translations is None:
            self._translations = mapping_services.load_translations(self.connection)
        return self._translations

    def check_filters(self, kind: str, source: dict, context: dict) -> None:
        decision = evaluate_filters(self.filters(kind), source, context)
        if decision is not None:
            raise Skip("skipped", str(decision))

    def check_hold(self, kind: str, cliniko_id: str, is_new: bool) -> None:
        """New records of a held kind wait for an admin's approval."""
        if not is_new:
            return
        if kind not in self._holds:
            self._holds[kind] = mapping_services.approval_required(self.connection, kind)
        if not self._holds[kind]:
            return
        state = mapping_services.held_record_state(self.connection, kind, cliniko_id)
        if state == "approved":
            return
        if state == "rejected":
            raise Skip("skipped", f"rejected in the approval hold ({kind})")
        if not self.dry_run:
            mapping_services.held_record_hold(self.connection, kind, cliniko_id,
                                              summary=f"{kind} {cliniko_id}")
        raise Skip("held", f"held for approval ({kind})")

    def map(self, kind: str, object_type: str, cliniko_id: str, source: dict,
            context: dict) -> MappingResult:
        context = {"translations": self.translations, "time_zone": self.connection.time_zone,
                   **context}
        result = map_record(self.rules(kind), source, context)
        if not result.ok:
            raise MappingFailed(object_type, cliniko_id,
                                [p for p in result.problems if p.severity == "error"])
        for problem in result.problems:
            self.warn(f"{object_type} {cliniko_id}: {problem}")
        return result

    def warn(self, message: str) -> None:
        # Problems name fields and ids, never values (mappings.engine.Problem).
        self.warnings.append(message)
        log.warning("%s", message)

    def patient(self, patient_id: str) -> dict:
        """A patient as Cliniko has it now, kept in memory for this pass only."""
        if patient_id not in self._patients:
            if len(self._patients) >= 500:
                self._patients.clear()
            self._patients[patient_id] = self.cliniko.get("patients", patient_id).raw
        return self._patients[patient_id]

    def xref(self, object_type: str, cliniko_id: str) -> CrossReference | None:
        return CrossReference.objects.filter(connection=self.connection,
                                             object_type=object_type,
                                             cliniko_id=cliniko_id).first()

    def xref_save(self, object_type: str, cliniko_id: str, *, fergus_kind: str,
                  fergus_id: int | None, payload_hash: str = "", extra: dict | None = None,
                  source_updated_at: Any = None,
                  state: str = CrossReference.State.LINKED) -> CrossReference:
        values: dict[str, Any] = {"fergus_kind": fergus_kind, "fergus_id": fergus_id,
                                  "state": state, "last_pushed_at": timezone.now()}
        if payload_hash:
            values["payload_hash"] = payload_hash
        if extra is not None:
            values["extra"] = extra
        if source_updated_at is not None:
            values["source_updated_at"] = source_updated_at
        xref, _ = CrossReference.objects.update_or_create(
            connection=self.connection, object_type=object_type, cliniko_id=cliniko_id,
            defaults=values,
        )
        return xref
