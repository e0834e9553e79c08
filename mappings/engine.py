"""The mapping engine: pure functions the sync engine, dry-run and preview share.

Nothing here does I/O or touches the database. Load the inputs once per run
with `mappings.services` and call these per record.

Interface (stable; the sync engine depends on it)
-------------------------------------------------
``map_record(rules, source, context) -> MappingResult``
    rules   : ordered iterable of objects with ``position, enabled, sources
              (list[str]), transform (str), params (dict), target (str)`` and
              optionally ``id``; `Rule` below or `MappingRule` model rows
              (``services.load_rules(connection, kind)`` returns `Rule`s).
    source  : the raw Cliniko JSON dict of the record, as the API sent it.
    context : dict the engine supplies; keys (all optional):
              ``patient, practitioner, practitioner_user, appointment_type,
              business`` (raw Cliniko dicts), ``invoice_items`` (list of raw
              dicts), ``previous`` (the source as last pushed, for
              "rescheduled"), ``time_zone`` (IANA: the business
              time_zone_identifier, else the connection's), ``fergus_user_id,
              fergus_customer_id, fergus_site_id``, and ``translations``
              (``services.load_translations(connection)``). The engine adds
              ``appointment_state`` for appointments.
    result  : ``payload`` (the Fergus body; money as Decimal — serialise
              Decimals as JSON numbers), ``meta`` (targets written as
              ``@name``, e.g. ``meta["action"]`` create|update|delete|
              keep_cancelled for appointments, ``meta["gst"]`` for invoices),
              ``explanation`` (one `RuleTrace` per enabled rule, WITH values:
              show only to authorised users, never log), ``problems``
              (`Problem`s naming rule position and field, never values: safe
              to log). ``result.ok`` is False when a problem has severity
              "error": do not push, dead-letter or hold instead.
``evaluate_filters(filters, source, context) -> SkipDecision | None``
    filters are `FilterSpec`s (``services.load_filters(connection, kind)``) or
    `SyncFilter` rows. Each enabled filter is a condition the record must meet;
    the first one it fails is returned so the run can count "skipped by …".
``translate(tables, table, value) -> str | None``
    tables: ``{table_name: {source_value: target_value}}``.
``appointment_state(source, context) -> str``
    booked | rescheduled | cancelled | did_not_arrive | arrived | archived.
Path syntax: see `mappings.paths`; transforms: `mappings.transforms.TRANSFORMS`.
Not pure, in services: ``approval_required(connection, kind) -> bool``,
``held_record_hold / held_record_state``, ``load_rules``, ``load_filters``,
``load_translations``.

Kinds and payloads
------------------
patient_customer  → POST/PUT /customers: customerFullName, mainContact{firstName,
                    lastName, contactItems[]}, physicalAddress{address1…addressCountry}
patient_site      → POST /sites: name?, defaultContact{firstName, lastName}, siteAddress{…}
appointment_event → POST /calendarEvents: eventTitle, eventType OTHER, startTime/endTime
                    (UTC, 15-minute grid, start down, end up, never zero length),
                    description (exact local times), userId
invoice_job       → POST /jobs: jobType "Charge Up", title, description,
                    customerReference (invoice number), customerId, siteId; plus
                    ``phase`` {title, description} for POST /jobs/{id}/phases and
                    ``lineItems`` [{itemDescription, itemQuantity, itemPrice, isLabour}]
                    for the phase; the engine strips both before POST /jobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from mappings import paths
from mappings.transforms import ERROR, TRANSFORMS, Call, with_defaults
from mappings.transforms.base import text_of
from mappings.transforms.money import parse_decimal


class RuleLike(Protocol):
    position: int
    enabled: bool
    sources: list[str]
    transform: str
    params: dict[str, Any]
    target: str


@dataclass(frozen=True)
class Rule:
    position: int
    sources: list[str]
    transform: str
    target: str
    params: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True
    id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class RuleTrace:
    rule_id: int | None
    position: int
    sources: list[str]
    inputs: list[Any]
    transform: str
    params: dict[str, Any]
    output: Any
    target: str


@dataclass(frozen=True)
class Problem:
    position: int | None
    field: str
    message: str
    severity: str = "warning"

    def __str__(self) -> str:
        where = f"rule {self.position}: " if self.position is not None else ""
        return f"{where}{self.field} {self.message}"


@dataclass
class MappingResult:
    payload: dict[str, Any]
    explanation: list[RuleTrace]
    problems: list[Problem]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


@dataclass(frozen=True)
class FilterSpec:
    position: int
    field_path: str
    operator: str
    values: list[Any]
    description: str = ""
    enabled: bool = True
    id: int | None = None


@dataclass(frozen=True)
class SkipDecision:
    filter_id: int | None
    position: int
    field: str
    operator: str
    description: str

    def __str__(self) -> str:
        return f"skipped by filter {self.position} ({self.description or self.field})"


def translate(tables: Mapping[str, Mapping[str, Any]], table: str, value: Any) -> Any:
    """The translated value, or None when the table or the source value is missing."""
    rows = tables.get(table)
    if not rows:
        return None
    return rows.get(text_of(value))


def appointment_state(source: Mapping[str, Any], context: Mapping[str, Any]) -> str:
    """The state that decides the Fergus action. Archive and cancel win over attendance."""
    if source.get("archived_at") or source.get("deleted_at"):
        return "archived"
    if source.get("cancelled_at"):
        return "cancelled"
    if source.get("did_not_arrive"):
        return "did_not_arrive"
    if source.get("patient_arrived"):
        return "arrived"
    previous = context.get("previous")
    if isinstance(previous, Mapping) and (
        previous.get("starts_at") != source.get("starts_at")
        or previous.get("ends_at") != source.get("ends_at")
    ):
        return "rescheduled"
    return "booked"


def _rule_id(rule: Any) -> int | None:
    return getattr(rule, "id", None) or getattr(rule, "pk", None)


def map_record(
    rules: Iterable[RuleLike], source: Mapping[str, Any], context: Mapping[str, Any]
) -> MappingResult:
    ctx = dict(context)
    if "starts_at" in source and "appointment_state" not in ctx:
        ctx["appointment_state"] = appointment_state(source, ctx)
    src = dict(source)
    payload: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    traces: list[RuleTrace] = []
    problems: list[Problem] = []
    for rule in sorted(rules, key=lambda r: r.position):
        if not rule.enabled:
            continue
        spec = TRANSFORMS.get(rule.transform)
        sources = list(rule.sources or [])
        inputs = [paths.resolve(p, src, ctx, meta) for p in sources]
        if spec is None:
            problems.append(Problem(rule.position, rule.target or "rule",
                                    f"uses unknown transform {rule.transform}", ERROR))
            continue
        call = Call(inputs, with_defaults(spec, rule.params), ctx, sources)
        try:
            output = spec.func(call)
        except Exception as exc:  # one bad rule must not stop the record
            # Only the exception type: its text may quote a patient value.
            problems.append(Problem(rule.position, rule.target or "rule",
                                    f"transform {rule.transform} failed ({type(exc).__name__})",
                                    ERROR))
            output = None
        problems.extend(Problem(rule.position, f, m, s) for f, m, s in call.problems)
        if output is not None:
            paths.assign(payload, meta, rule.target, output)
        traces.append(RuleTrace(_rule_id(rule), rule.position, sources, inputs, rule.transform,
                                dict(rule.params or {}), output, rule.target))
    return MappingResult(payload, traces, problems, meta)


def _compare(actual: Any, wanted: Any) -> int | None:
    a, b = parse_decimal(actual), parse_decimal(wanted)
    if a is not None and b is not None:
        return (a > b) - (a < b)
    if actual is None or wanted is None:
        return None
    sa, sb = text_of(actual), text_of(wanted)
    return (sa > sb) - (sa < sb)


def _is_present(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, (str, list, dict)):
        return bool(value.strip() if isinstance(value, str) else value)
    return True


def _matches(value: Any, operator: str, values: list[Any]) -> bool:
    wanted = [text_of(v) for v in values]
    actual = text_of(value) if not isinstance(value, (list, dict)) else value
    first = values[0] if values else None
    if operator == "present":
        return _is_present(value)
    if operator == "absent":
        return not _is_present(value)
    if operator == "in":
        return actual in wanted
    if operator == "not_in":
        return actual not in wanted
    if operator == "contains":
        return any(w.lower() in text_of(value).lower() for w in wanted)
    if operator == "is_true":
        return value is True or text_of(value).lower() == "true"
    if operator == "is_false":
        return not (value is True or text_of(value).lower() == "true")
    order = _compare(value, first)
    if order is None:
        return False
    return {"gte": order >= 0, "gt": order > 0, "lte": order <= 0, "lt": order < 0}.get(
        operator, False
    )


OPERATORS = [
    ("present", "is present (not empty)"),
    ("absent", "is empty or missing"),
    ("in", "is one of"),
    ("not_in", "is not one of"),
    ("contains", "contains (any of)"),
    ("gte", "≥"), ("gt", ">"), ("lte", "≤"), ("lt", "<"),
    ("is_true", "is true"), ("is_false", "is not true"),
]
VALUELESS_OPERATORS = {"present", "absent", "is_true", "is_false"}


def evaluate_filters(
    filters: Iterable[Any], source: Mapping[str, Any], context: Mapping[str, Any]
) -> SkipDecision | None:
    for flt in sorted(filters, key=lambda f: f.position):
        if not flt.enabled:
            continue
        value = paths.resolve(flt.field_path, dict(source), dict(context))
        if not _matches(value, flt.operator, list(flt.values or [])):
            return SkipDecision(_rule_id(flt), flt.position, flt.field_path, flt.operator,
                                flt.description)
    return None


__all__ = [
    "FilterSpec", "MappingResult", "OPERATORS", "Problem", "Rule", "RuleTrace",
    "SkipDecision", "appointment_state", "evaluate_filters", "map_record", "translate",
]
