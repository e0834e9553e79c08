"""Validation of rules, filters and translation tables, with messages that say which
row and what to do. Used by the admin formsets; pure apart from nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from mappings import paths
from mappings.defaults import ALLOWED_TARGET_VALUES, REQUIRED_SOURCE_VALUES
from mappings.engine import OPERATORS, VALUELESS_OPERATORS
from mappings.kinds import (
    CONTEXT_FIELDS,
    KIND_LABELS,
    REQUIRED_TARGETS,
    SOURCE_FIELDS,
    SOURCE_RESOURCE,
    TARGET_ROOTS,
)
from mappings.transforms import TRANSFORMS, validate_params
from mappings.transforms.text import template_fields

OPERATOR_NAMES = {name for name, _ in OPERATORS}


@dataclass(frozen=True)
class RuleInput:
    """What the validator needs from a row, saved or not."""

    row: int  # 1-based row number as shown in the admin
    position: int
    enabled: bool
    sources: Any
    transform: str
    params: Any
    target: str


def source_path_error(kind: str, path: Any) -> str | None:
    if not isinstance(path, str) or not path.strip():
        return "A source path is empty; remove it or name a Cliniko field."
    path = path.strip()
    if path.startswith(paths.META_PREFIX):
        return None  # written by an earlier rule; checked by order below
    is_context, segments = paths.split(path)
    if not segments:
        return f"Source “{path}” names no field."
    if is_context:
        name = segments[0]
        if name not in CONTEXT_FIELDS:
            known = ", ".join(f"${n}" for n in CONTEXT_FIELDS)
            return f"Source “{path}”: there is no context entry ${name}. Use one of: {known}."
        fields = CONTEXT_FIELDS[name]
        if fields is not None and len(segments) > 1 and not segments[1].isdigit() \
                and segments[1] not in fields:
            return (f"Source “{path}”: Cliniko {name} records have no field "
                    f"“{segments[1]}”. Check the spelling against the Cliniko API.")
        return None
    if segments[0] not in SOURCE_FIELDS[kind]:
        return (f"Source “{path}”: a Cliniko {SOURCE_RESOURCE[kind]} has no field "
                f"“{segments[0]}”. Check the spelling (Cliniko uses snake_case, e.g. "
                f"first_name), or read a related record with $patient.…")
    return None


def target_error(kind: str, target: str) -> str | None:
    target = (target or "").strip()
    if not target or target.startswith(paths.META_PREFIX):
        return None
    root = target.removesuffix(paths.APPEND_SUFFIX).split(".")[0]
    if root not in TARGET_ROOTS[kind]:
        known = ", ".join(sorted(TARGET_ROOTS[kind]))
        return (f"Target “{target}” is not a Fergus field for {KIND_LABELS[kind]}. "
                f"Start it with one of: {known}.")
    return None


def validate_rules(kind: str, rules: Iterable[RuleInput]) -> tuple[dict[int, list[str]], list[str]]:
    """(errors per row, errors for the whole set)."""
    row_errors: dict[int, list[str]] = {}
    written_meta: set[str] = set()
    enabled_targets: list[str] = []
    for rule in sorted(rules, key=lambda r: (r.position, r.row)):
        errors: list[str] = []
        sources = rule.sources
        if not isinstance(sources, list):
            errors.append('Sources must be a JSON list of paths, e.g. ["first_name"].')
            sources = []
        for path in sources:
            problem = source_path_error(kind, path)
            if problem:
                errors.append(problem)
            elif isinstance(path, str) and path.strip().startswith(paths.META_PREFIX) \
                    and path.strip()[1:] not in written_meta:
                errors.append(f"Source “{path}” is read before any rule writes it; give the "
                              "rule that writes it a lower position.")
        for message in validate_params(rule.transform, rule.params, len(sources)):
            errors.append(message)
        if rule.transform == "template" and isinstance(rule.params, dict):
            errors.extend(_template_errors(rule.params))
        problem = target_error(kind, rule.target)
        if problem:
            errors.append(problem)
        if errors:
            row_errors[rule.row] = errors
        if rule.enabled and rule.target:
            enabled_targets.append(rule.target)
            if rule.target.startswith(paths.META_PREFIX):
                written_meta.add(rule.target[1:])
    set_errors = []
    for required in REQUIRED_TARGETS[kind]:
        if not any(paths.target_covers(t, required) for t in enabled_targets):
            set_errors.append(
                f"Fergus requires “{required}” for {KIND_LABELS[kind]}, and no enabled rule "
                f"writes it. Add a rule with target {required} (or enable the one you have)."
            )
    return row_errors, set_errors


def _template_errors(params: dict[str, Any]) -> list[str]:
    text, names = params.get("template"), params.get("names")
    if not isinstance(text, str) or not isinstance(names, list):
        return []
    try:
        used = template_fields(text)
    except ValueError as exc:
        return [f"The template has an unsafe or malformed field: {exc}. Use plain {{names}}."]
    allowed = {str(n) for n in names} | {"prefix", "title_prefix"}
    missing = [n for n in used if n not in allowed]
    if missing:
        return [f"The template uses {{{missing[0]}}}, which is not in “names”. Add it to "
                "names and add a source for it at the same place."]
    return []


def validate_filter(kind: str, field_path: str, operator: str, values: Any,
                    enabled: bool) -> list[str]:
    errors = []
    problem = source_path_error(kind, field_path)
    if problem:
        errors.append(problem.replace("Source", "Field"))
    if operator not in OPERATOR_NAMES:
        errors.append(f"Unknown operator “{operator}”. Use one of: "
                      f"{', '.join(sorted(OPERATOR_NAMES))}.")
    if not isinstance(values, list):
        errors.append('Values must be a JSON list, e.g. ["20", "30"] (or [] for none).')
    elif enabled and operator not in VALUELESS_OPERATORS and not values:
        errors.append(f"Operator “{operator}” needs at least one value; add values or "
                      "disable the filter.")
    return errors


def validate_translations(rows: Iterable[tuple[str, str, str]]) -> list[str]:
    """rows: (table, source_value, target_value). Each table must cover every known value."""
    present: dict[str, set[str]] = {}
    errors = []
    for table, source_value, target_value in rows:
        present.setdefault(table, set()).add(source_value.strip())
        allowed = ALLOWED_TARGET_VALUES.get(table)
        if allowed and target_value.strip() not in allowed:
            errors.append(f"Translation {table} “{source_value}” → “{target_value}”: the "
                          f"target must be one of {', '.join(allowed)}.")
    for table, required in REQUIRED_SOURCE_VALUES.items():
        missing = [v for v in required if v not in present.get(table, set())]
        if missing:
            errors.append(f"Translation table {table} is missing the source value(s) "
                          f"{', '.join(missing)}. Add a row for each, or re-apply the default "
                          "template to restore them.")
    return errors


__all__ = ["TRANSFORMS", "RuleInput", "validate_filter", "validate_rules",
           "validate_translations"]
