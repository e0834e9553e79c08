"""The list machinery: `q[]` filters, `sort`, `page`/`per_page` and the envelope.

Operators per field type follow reference §4.1; the whitelist per resource §4.2.
Anything outside the whitelist answers 400 `{"message": "<field> is not filterable"}`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100

# Longest first so that `>=` is not read as `>` followed by "=value".
_OPERATORS = ("!?", "!=", ">=", "<=", "~~", "~", "=", ">", "<", "?", "*")
_ALLOWED = {
    "datetime": {">=", ">", "<=", "<", "?", "!?", "*"},
    "date": {"=", ">=", ">", "<=", "<", "?", "!?", "*"},
    "int": {"=", "!=", ">=", ">", "<=", "<", "?", "!?", "*"},
    "str": {"=", "!=", "~", "~~", "?", "!?", "*"},
    "bool": {"=", "!=", "*"},
    "array": {"~", "*"},
}
_UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]00:?00)$")


class ApiProblem(Exception):
    """An answer the simulator gives instead of the resource (status + JSON body)."""

    def __init__(self, status: int, body: dict | None = None, headers: dict | None = None):
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}


def bad_request(message: str) -> ApiProblem:
    return ApiProblem(400, {"message": message})


@dataclass(frozen=True)
class Field:
    kind: str  # datetime | date | int | str | bool | array
    column: str | None = None  # model lookup; defaults to the field name
    apply: Callable[[QuerySet, str, str], QuerySet] | None = None  # custom (arrays)


@dataclass
class Filter:
    field: str
    op: str
    value: str


def parse_filter(raw: str, whitelist: dict[str, Field]) -> Filter:
    name, sep, rest = raw.partition(":")
    if not sep:
        raise bad_request(f"{raw[:60]} is not a valid filter")
    if name not in whitelist:
        raise bad_request(f"{name} is not filterable")
    for op in _OPERATORS:
        if rest.startswith(op):
            if op not in _ALLOWED[whitelist[name].kind]:
                raise bad_request(f"{op} is not a valid operator for {name}")
            return Filter(name, op, rest[len(op) :])
    raise bad_request(f"{name} has no valid operator")


def _parse_datetime(field: str, value: str) -> datetime:
    # Cliniko expects UTC; an offset other than zero is a caller bug worth surfacing.
    if not _UTC_TIME.match(value):
        raise bad_request(f"{field} must be a UTC time such as 2014-08-30T18:00:00Z")
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _parse_value(f: Field, field: str, value: str) -> Any:
    if f.kind == "datetime":
        return _parse_datetime(field, value)
    if f.kind == "date":
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise bad_request(f"{field} must be a date such as 2014-08-30") from None
    if f.kind == "int":
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"{field} must be a number") from None
    if f.kind == "bool":
        if value.lower() not in ("true", "false"):
            raise bad_request(f"{field} must be true or false")
        return value.lower() == "true"
    return value


def _wildcard_regex(pattern: str) -> str:
    return "^" + ".*".join(re.escape(part) for part in pattern.split("%")) + "$"


def apply_filter(qs: QuerySet, flt: Filter, f: Field) -> QuerySet:
    col = f.column or flt.field
    op, value = flt.op, flt.value
    if op == "*":
        return qs
    if op == "?":
        return qs.filter(**{f"{col}__isnull": False})
    if op == "!?":
        return qs.filter(**{f"{col}__isnull": True})
    if f.apply is not None:
        return f.apply(qs, op, value)
    if f.kind == "date" and op == "=" and "*" in value:
        parts = value.split("-")
        if len(parts) != 3:
            raise bad_request(f"{flt.field} must be a date such as ****-05-**")
        lookups = {}
        for part, unit in zip(parts, ("year", "month", "day"), strict=True):
            if "*" not in part:
                lookups[f"{col}__{unit}"] = _parse_value(Field("int"), flt.field, part)
        return qs.filter(**lookups)
    if f.kind == "int" and op == "=" and "," in value:
        ids = [_parse_value(f, flt.field, v) for v in value.split(",") if v]
        return qs.filter(**{f"{col}__in": ids})
    if f.kind == "str" and op == "~":
        return qs.filter(**{f"{col}__icontains": value})
    if f.kind == "str" and op == "~~":
        return qs.filter(**{f"{col}__iregex": _wildcard_regex(value)})
    parsed = _parse_value(f, flt.field, value)
    lookup = {"=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}.get(op)
    if op == "!=":
        return qs.exclude(**{col: parsed})
    return qs.filter(**{f"{col}__{lookup}": parsed})


def apply_filters(
    qs: QuerySet, raw_filters: list[str], whitelist: dict[str, Field], hidden: tuple[str, ...]
) -> QuerySet:
    filters = [parse_filter(raw, whitelist) for raw in raw_filters]
    opted_in = {flt.field for flt in filters if flt.op == "*"}
    for column in hidden:
        # Archived (and cancelled) rows stay hidden unless the caller asks with `:*`.
        if column not in opted_in:
            qs = qs.filter(**{f"{column}__isnull": True})
    for flt in filters:
        qs = apply_filter(qs, flt, whitelist[flt.field])
    return qs


def parse_sort(raw: str | None, order: str | None, sortable: set[str]) -> list[str]:
    """`sort=a,b:desc` → ORM order_by terms; default created_at ascending; id breaks ties."""
    overall_desc = (order or "").lower() == "desc"  # deprecated `order`, still honoured
    terms: list[str] = []
    for part in (raw or "created_at").split(","):
        part = part.strip()
        if not part:
            continue
        name, _, direction = part.partition(":")
        if name not in sortable:
            raise bad_request(f"{name} is not sortable")
        desc = direction.lower() == "desc" if direction else overall_desc
        terms.append(("-" if desc else "") + name)
    last_desc = terms[-1].startswith("-") if terms else False
    terms.append("-id" if last_desc else "id")
    return terms


def page_params(params: Any) -> tuple[int, int]:
    try:
        per_page = int(params.get("per_page", DEFAULT_PER_PAGE))
        page = int(params.get("page", 1))
    except ValueError:
        raise bad_request("page and per_page must be integers") from None
    return max(1, page), min(max(1, per_page), MAX_PER_PAGE)


def page_link(base_url: str, query: list[tuple[str, str]], page: int, per_page: int) -> str:
    """An absolute link that keeps every query parameter and sets page/per_page."""
    kept = [(k, v) for k, v in query if k not in ("page", "per_page")]
    return f"{base_url}?{urlencode([*kept, ('page', page), ('per_page', per_page)])}"


def envelope(
    plural: str,
    items: list[dict],
    total: int,
    base_url: str,
    query: list[tuple[str, str]],
    page: int,
    per_page: int,
) -> dict:
    links = {"self": page_link(base_url, query, page, per_page)}
    if page > 1:
        links["previous"] = page_link(base_url, query, page - 1, per_page)
    if page * per_page < total:
        links["next"] = page_link(base_url, query, page + 1, per_page)
    return {plural: items, "total_entries": total, "links": links}
