"""Text, name, e-mail, template, constant and lookup transforms."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from mappings.transforms.base import ERROR, Call, Param, text_of, transform


@transform("copy", "The first source value, unchanged (None stays unset).",
           {"default": Param((str, int, float, bool, dict, list), help="Used when empty.")},
           min_inputs=1, max_inputs=1)
def copy(call: Call) -> Any:
    value = call.input()
    if value is None or value == "":
        return call.params["default"]
    return value


@transform("text", "The first source value as tidy text (spaces collapsed); empty → unset.",
           {"max_length": Param(int, help="Cut longer text to this many characters."),
            "default": Param(str)},
           min_inputs=1, max_inputs=1)
def text(call: Call) -> str | None:
    value = text_of(call.input())
    if call.params["max_length"]:
        value = value[: call.params["max_length"]].rstrip()
    return value or call.params["default"]


@transform("constant", "A fixed value from the parameter “value”.",
           {"value": Param((str, int, float, bool, dict, list), required=True,
                           help="The value to write.")},
           max_inputs=0)
def constant(call: Call) -> Any:
    return call.params["value"]


@transform("first_non_empty", "The first source value that is not empty.",
           {"default": Param(str, help="Used when every source is empty.")}, min_inputs=1)
def first_non_empty(call: Call) -> str | None:
    for value in call.inputs:
        tidy = text_of(value)
        if tidy:
            return tidy
    return call.params["default"]


@transform("preferred_first_name",
           "Sources [preferred_first_name, first_name]: the preferred name when set.",
           {"default": Param(str, help="Used when both are empty.")},
           min_inputs=1, max_inputs=2)
def preferred_first_name(call: Call) -> str | None:
    return first_non_empty(call)


@transform("compose_name",
           "Joins name parts (e.g. [title, first_name, last_name]) with single spaces.",
           {"default": Param(str, help="Used when every part is empty, e.g. “Unknown”.")},
           min_inputs=1)
def compose_name(call: Call) -> str | None:
    name = " ".join(part for part in (text_of(v) for v in call.inputs) if part)
    return name or call.params["default"]


@transform("join", "Joins the non-empty sources with a separator.",
           {"separator": Param(str, default=", "), "default": Param(str)}, min_inputs=1)
def join(call: Call) -> str | None:
    parts = [text_of(v) for v in call.inputs]
    return call.params["separator"].join(p for p in parts if p) or call.params["default"]


def normalise_email(value: Any) -> str | None:
    """Trimmed, lower-cased address, or None when it is not a valid address."""
    address = text_of(value).replace(" ", "")
    if not address:
        return None
    # Fergus matches customers on e-mail; case differences must not split one
    # person into two customers, so the whole address is lower-cased.
    address = address.lower()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


@transform("email", "A normalised e-mail address; invalid addresses are reported.",
           {"as_contact_item": Param(bool, default=False,
                                     help="Write a Fergus contact item {contactType: email}."),
            "invalid": Param(str, default="omit", choices=("omit", "keep_raw"))},
           min_inputs=1, max_inputs=1)
def email(call: Call) -> Any:
    raw = text_of(call.input())
    if not raw:
        return None
    value = normalise_email(raw)
    if value is None:
        call.problem(call.source_name(), "is not a valid e-mail address")
        value = raw if call.params["invalid"] == "keep_raw" else None
    if value is None:
        return None
    if call.params["as_contact_item"]:
        return {"contactType": "email", "contactValue": value}
    return value


class SafeFormatter(string.Formatter):
    """Named fields only: no attribute access, indexing or positional fields."""

    def __init__(self, allowed: set[str]) -> None:
        self.allowed = allowed

    def get_field(self, field_name: str, args: Any, kwargs: Any) -> Any:
        if field_name not in self.allowed:
            raise KeyError(field_name)
        return kwargs[field_name], field_name

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        return value  # !r / !s / !a would expose reprs; ignore conversions


def template_fields(template_text: str) -> list[str]:
    """Field names in a template; raises ValueError on malformed or unsafe fields."""
    names = []
    for _literal, field_name, _spec, _conv in string.Formatter().parse(template_text):
        if field_name is None:
            continue
        if not field_name.isidentifier():
            raise ValueError(f"“{{{field_name}}}” is not a plain field name")
        names.append(field_name)
    return names


@transform("template",
           "Text from a template with named fields, e.g. “{patient_name} — {appointment_type}”. "
           "“names” gives each source a field name, in order.",
           {"template": Param(str, required=True, help="The text with {named} fields."),
            "names": Param(list, required=True, help="One field name per source, in order."),
            "max_length": Param(int)},
           min_inputs=0)
def template(call: Call) -> str | None:
    names = [str(n) for n in call.params["names"]]
    values = {name: text_of(call.input(i)) for i, name in enumerate(names)}
    for key in ("prefix", "title_prefix"):
        values.setdefault(key, "")
    try:
        result = SafeFormatter(set(values)).vformat(call.params["template"], (), values)
    except (KeyError, ValueError, IndexError):
        call.problem("template", "has a field that is not in “names”", ERROR)
        return None
    # Collapse spaces within lines; keep line breaks, drop lines left empty.
    lines = (" ".join(line.split()) for line in result.splitlines())
    result = "\n".join(line for line in lines if line)
    if call.params["max_length"]:
        result = result[: call.params["max_length"]].rstrip()
    return result or None


@transform("lookup",
           "Translates the source value through a status translation table of the connection.",
           {"table": Param(str, required=True, help="invoice_status, appointment_state, "
                           "appointment_state.title_prefix or cancellation_reason."),
            "on_missing": Param(str, default="problem", choices=("problem", "default", "keep")),
            "default": Param(str)},
           min_inputs=1, max_inputs=1)
def lookup(call: Call) -> Any:
    from mappings.engine import translate

    value = call.input()
    key = text_of(value)
    if not key:
        return call.params["default"]
    tables = call.context.get("translations") or {}
    found = translate(tables, call.params["table"], key)
    if found is not None:
        return found
    policy = call.params["on_missing"]
    if policy == "problem":
        call.problem(call.source_name(),
                     f"has a value missing from translation table {call.params['table']}")
        return call.params["default"]
    return key if policy == "keep" else call.params["default"]


@transform("link_id", "The id at the end of a Cliniko {links: {self: URL}} reference.",
           min_inputs=1, max_inputs=1)
def link_id(call: Call) -> str | None:
    value = call.input()
    if isinstance(value, dict):
        value = (value.get("links") or {}).get("self") if "links" in value else value.get("self")
    tail = text_of(value).split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return tail if tail.isdigit() else None
