"""Source and target path syntax.

Source paths
    ``first_name``              a field of the record being mapped
    ``address_1``               likewise (Cliniko field names verbatim)
    ``patient.links.self``      dots walk into nested objects
    ``patient_phone_numbers.0.number``  a number walks into a list
    ``$patient.first_name``     ``$name`` reads the context entry ``name``
    ``$time_zone``              a context scalar
    ``$invoice_items``          a context list (e.g. the invoice's items)
    ``@title_prefix``           a value an earlier rule wrote to ``@title_prefix``

A missing key, a null along the way or an index out of range reads as None;
reading never raises.

Target paths
    ``customerFullName``        a key of the Fergus payload
    ``mainContact.firstName``   dots create nested objects
    ``mainContact.contactItems[]``  ``[]`` appends (a list output extends)
    ``@action``                 ``@name`` goes to MappingResult.meta, not the
                                payload (engine hints such as the appointment
                                action or a title prefix)
    (empty)                     a check-only rule: its output is not written
"""

from __future__ import annotations

from typing import Any

CONTEXT_PREFIX = "$"
META_PREFIX = "@"
APPEND_SUFFIX = "[]"


def split(path: str) -> tuple[bool, list[str]]:
    """(is_context, segments) for a source path."""
    path = path.strip()
    is_context = path.startswith(CONTEXT_PREFIX)
    if is_context:
        path = path[1:]
    return is_context, [seg for seg in path.split(".") if seg != ""]


def walk(value: Any, segments: list[str]) -> Any:
    for seg in segments:
        if value is None:
            return None
        if isinstance(value, dict):
            value = value.get(seg)
        elif isinstance(value, (list, tuple)):
            if not seg.lstrip("-").isdigit():
                return None
            index = int(seg)
            if not -len(value) <= index < len(value):
                return None
            value = value[index]
        else:
            return None
    return value


def resolve(
    path: str,
    source: dict[str, Any],
    context: dict[str, Any],
    meta: dict[str, Any] | None = None,
) -> Any:
    path = path.strip()
    if path.startswith(META_PREFIX):
        return walk(meta or {}, [seg for seg in path[1:].split(".") if seg])
    is_context, segments = split(path)
    if not segments:
        return None
    return walk(context if is_context else source, segments)


def assign(payload: dict[str, Any], meta: dict[str, Any], target: str, value: Any) -> None:
    """Write value at target; dict outputs merge into an existing dict."""
    target = target.strip()
    if not target:
        return
    root: dict[str, Any] = payload
    if target.startswith(META_PREFIX):
        root, target = meta, target[1:]
    append = target.endswith(APPEND_SUFFIX)
    if append:
        target = target[: -len(APPEND_SUFFIX)]
    segments = [seg for seg in target.split(".") if seg]
    if not segments:
        return
    node = root
    for seg in segments[:-1]:
        child = node.get(seg)
        if not isinstance(child, dict):
            child = {}
            node[seg] = child
        node = child
    last = segments[-1]
    if append:
        items = node.get(last)
        if not isinstance(items, list):
            items = []
            node[last] = items
        if isinstance(value, list):
            items.extend(value)
        else:
            items.append(value)
    elif isinstance(value, dict) and isinstance(node.get(last), dict):
        node[last].update(value)
    else:
        node[last] = value


def target_covers(target: str, required: str) -> bool:
    """Whether a rule writing `target` fills `required` (or a whole parent of it)."""
    target = target.strip().removesuffix(APPEND_SUFFIX)
    return required == target or required.startswith(target + ".")
