"""Phone numbers through the phonenumbers library (Google's libphonenumber)."""

from __future__ import annotations

from typing import Any

import phonenumbers

from mappings.transforms.base import Call, Param, text_of, transform

FORMATS = {
    "E164": phonenumbers.PhoneNumberFormat.E164,
    "NATIONAL": phonenumbers.PhoneNumberFormat.NATIONAL,
    "INTERNATIONAL": phonenumbers.PhoneNumberFormat.INTERNATIONAL,
}
# Cliniko phone_type → Fergus contactType (email|phone|mobile|other|fax|website).
DEFAULT_TYPE_MAP = {"Mobile": "mobile", "Home": "phone", "Work": "phone", "Fax": "fax",
                    "Other": "other"}
MAX_RAW_LENGTH = 64  # libphonenumber refuses longer input; don't even try


def format_phone(raw: Any, region: str, fmt: str, normalized: Any = None) -> str | None:
    """The number formatted, or None when neither form parses as a valid number."""
    candidates = [text_of(raw)]
    digits = text_of(normalized)
    if digits.isdigit():
        # Cliniko's normalized_number is the number with its country code, no "+".
        candidates.append("+" + digits)
    for candidate in candidates:
        if not candidate or len(candidate) > MAX_RAW_LENGTH:
            continue
        try:
            number = phonenumbers.parse(candidate, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, FORMATS.get(fmt, FORMATS["E164"]))
    return None


_PHONE_PARAMS = {
    "region": Param(str, default="AU", help="Region for numbers without a country code."),
    "format": Param(str, default="E164", choices=tuple(FORMATS)),
    "invalid": Param(str, default="keep_raw", choices=("keep_raw", "omit"),
                     help="What to do with a number that does not parse (always reported)."),
}


@transform("phone", "One phone number, formatted E.164 or national; invalid ones reported.",
           _PHONE_PARAMS, min_inputs=1, max_inputs=1)
def phone(call: Call) -> str | None:
    raw = text_of(call.input())
    if not raw:
        return None
    value = format_phone(raw, call.params["region"], call.params["format"])
    if value is None:
        call.problem(call.source_name(), "is not a valid phone number")
        return raw if call.params["invalid"] == "keep_raw" else None
    return value


@transform("phone_contact_items",
           "Cliniko phone numbers ([{phone_type, number, normalized_number}]) → Fergus "
           "contact items; invalid numbers are reported and kept or omitted per “invalid”.",
           {**_PHONE_PARAMS,
            "type_map": Param(dict, help="Cliniko phone_type → Fergus contactType."),
            "only_types": Param(list, help="Keep only these Cliniko phone types.")},
           min_inputs=1, max_inputs=1)
def phone_contact_items(call: Call) -> list[dict[str, str]] | None:
    numbers = call.input()
    if not isinstance(numbers, list):
        return None
    type_map = {**DEFAULT_TYPE_MAP, **(call.params["type_map"] or {})}
    only = call.params["only_types"]
    items: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(numbers):
        if not isinstance(entry, dict):
            continue
        phone_type = text_of(entry.get("phone_type")) or "Other"
        if only and phone_type not in only:
            continue
        raw = text_of(entry.get("number"))
        if not raw and not text_of(entry.get("normalized_number")):
            continue
        value = format_phone(
            raw, call.params["region"], call.params["format"], entry.get("normalized_number")
        )
        if value is None:
            call.problem(f"{call.source_name()}[{index}] ({phone_type})",
                         "is not a valid phone number")
            if call.params["invalid"] == "omit" or not raw:
                continue
            value = raw
        contact_type = type_map.get(phone_type, "other")
        if (contact_type, value) in seen:
            continue  # the same number under two types adds nothing in Fergus
        seen.add((contact_type, value))
        items.append({"contactType": contact_type, "contactValue": value})
    return items
