"""Addresses: Cliniko address_1..3/city/state/post_code/country_code ↔ Fergus
address1/address2/addressSuburb/addressCity/addressRegion/addressPostcode/addressCountry,
single-field ↔ multi-field, and Australian state names ↔ abbreviations."""

from __future__ import annotations

import re
from typing import Any

from mappings.transforms.base import Call, Param, text_of, transform

AU_STATES = {
    "NSW": "New South Wales",
    "VIC": "Victoria",
    "QLD": "Queensland",
    "SA": "South Australia",
    "WA": "Western Australia",
    "TAS": "Tasmania",
    "ACT": "Australian Capital Territory",
    "NT": "Northern Territory",
}
_BY_NAME = {name.lower(): abbr for abbr, name in AU_STATES.items()}
# A short table instead of a new dependency: the clinics are AU/NZ; any other
# code passes through as the code, which Fergus also accepts (fergus-api §7.2).
COUNTRY_NAMES = {"AU": "Australia", "NZ": "New Zealand", "GB": "United Kingdom",
                 "IE": "Ireland", "CA": "Canada", "US": "United States"}
# "Windsor VIC 3181" at the end of a one-line Australian address.
_AU_TAIL = re.compile(
    r"^(?P<locality>.*?)\s*\b(?P<state>" + "|".join(AU_STATES) + r")\b\.?\s*(?P<postcode>\d{4})?$",
    re.IGNORECASE,
)
LINE_SEPARATOR = ", "


def state_abbreviation(value: Any) -> str:
    text = text_of(value)
    if text.upper() in AU_STATES:
        return text.upper()
    return _BY_NAME.get(text.lower(), text)


def state_name(value: Any) -> str:
    return AU_STATES.get(state_abbreviation(value), text_of(value))


def join_lines(lines: list[Any]) -> str:
    return LINE_SEPARATOR.join(t for t in (text_of(v) for v in lines) if t)


def split_lines(value: Any) -> list[str]:
    text = "" if value is None else str(value)
    parts = re.split(r"[,\r\n]+", text)
    return [t for t in (text_of(p) for p in parts) if t]


def _locality(result: dict[str, str], city: str, where: str) -> None:
    if where in ("addressSuburb", "both"):
        result["addressSuburb"] = city
    if where in ("addressCity", "both"):
        result["addressCity"] = city


_STATE_FORMAT = Param(str, default="abbreviation", choices=("abbreviation", "name", "keep"))
_LOCALITY = Param(str, default="both", choices=("addressCity", "addressSuburb", "both"),
                  help="Where Cliniko's city (in Australia: the suburb) goes.")


def _state(value: Any, fmt: str) -> str:
    if fmt == "abbreviation":
        return state_abbreviation(value)
    if fmt == "name":
        return state_name(value)
    return text_of(value)


@transform("address_to_fergus",
           "Sources [address_1, address_2, address_3, city, state, post_code, country_code] "
           "→ a Fergus address object; address_3 is folded into address2.",
           {"state_format": _STATE_FORMAT, "locality": _LOCALITY,
            "country_format": Param(str, default="name", choices=("name", "code", "omit"))},
           min_inputs=1, max_inputs=7)
def address_to_fergus(call: Call) -> dict[str, str] | None:
    line1, line2, line3, city, state, postcode, country = (
        text_of(call.input(i)) for i in range(7)
    )
    result: dict[str, str] = {}
    if line1 or line2 or line3:
        # Fergus has two lines; keep all three Cliniko lines, none is dropped.
        lines = [t for t in (line1, line2, line3) if t]
        result["address1"] = lines[0]
        result["address2"] = LINE_SEPARATOR.join(lines[1:])
    if city:
        _locality(result, city, call.params["locality"])
    if state:
        result["addressRegion"] = _state(state, call.params["state_format"])
    if postcode:
        result["addressPostcode"] = postcode
    if country and call.params["country_format"] != "omit":
        code = country.upper()
        result["addressCountry"] = (
            COUNTRY_NAMES.get(code, country) if call.params["country_format"] == "name" else code
        )
    return result or None


@transform("address_join", "Address lines → one line, joined with “, ” (empty lines skipped).",
           min_inputs=1)
def address_join(call: Call) -> str | None:
    return join_lines(call.inputs) or None


def split_single(value: Any) -> dict[str, str]:
    """One-line address → address1/address2 and, for an Australian tail, locality/state/postcode."""
    lines = split_lines(value)
    result: dict[str, str] = {}
    if lines:
        match = _AU_TAIL.match(lines[-1])
        if match and match.group("postcode") and (match.group("locality") or len(lines) > 1):
            lines = lines[:-1]
            result["addressCity"] = text_of(match.group("locality"))
            result["addressRegion"] = match.group("state").upper()
            result["addressPostcode"] = match.group("postcode")
            if not result["addressCity"] and lines:
                result["addressCity"] = lines.pop()
    if lines:
        result["address1"] = lines[0]
        if len(lines) > 1:
            result["address2"] = LINE_SEPARATOR.join(lines[1:])
    return result


@transform("address_split",
           "One-line address (e.g. “Unit 4, 18 Chapel St, Windsor VIC 3181”) → Fergus fields.",
           {"locality": _LOCALITY}, min_inputs=1, max_inputs=1)
def address_split(call: Call) -> dict[str, str] | None:
    result = split_single(call.input())
    city = result.pop("addressCity", "")
    if city:
        _locality(result, city, call.params["locality"])
    return result or None


@transform("state", "An Australian state as its abbreviation (VIC) or name (Victoria).",
           {"format": _STATE_FORMAT}, min_inputs=1, max_inputs=1)
def state(call: Call) -> str | None:
    return _state(call.input(), call.params["format"]) or None


@transform("country", "An ISO country code as a name (AU → Australia) or code.",
           {"format": Param(str, default="name", choices=("name", "code"))},
           min_inputs=1, max_inputs=1)
def country(call: Call) -> str | None:
    code = text_of(call.input()).upper()
    if not code:
        return None
    return COUNTRY_NAMES.get(code, code) if call.params["format"] == "name" else code
