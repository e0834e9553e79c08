"""A small validator of the write bodies Fergus requires (fergus-api.md §7).

Kept in the tests on purpose: it is an independent reading of the reference,
not the code under test.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

CONTACT_TYPES = {"email", "phone", "mobile", "other", "fax", "website"}
JOB_TYPES = {"Quote", "Estimate", "Charge Up"}
EVENT_TYPES = {"JOB_PHASE", "QUOTE", "ESTIMATE", "OTHER"}
ADDRESS_KEYS = {"address1", "address2", "addressSuburb", "addressCity", "addressRegion",
                "addressPostcode", "addressCountry"}
UTC_GRID = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:(00|15|30|45):00(\.000)?Z$")


def _non_empty(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _address(errors: list[str], where: str, address: Any, need_line1: bool) -> None:
    if address is None and not need_line1:
        return
    if not isinstance(address, dict):
        errors.append(f"{where} must be an object")
        return
    unknown = set(address) - ADDRESS_KEYS
    if unknown:
        errors.append(f"{where} has keys Fergus drops: {sorted(unknown)}")
    if need_line1 and not _non_empty(address.get("address1")):
        errors.append(f"{where}.address1 must not be empty")


def _contact(errors: list[str], where: str, contact: Any, need_last: bool) -> None:
    if not isinstance(contact, dict):
        errors.append(f"{where} is required")
        return
    if not _non_empty(contact.get("firstName")):
        errors.append(f"{where}.firstName is required")
    if need_last and not _non_empty(contact.get("lastName")):
        errors.append(f"{where}.lastName is required")
    for item in contact.get("contactItems") or []:
        if item.get("contactType") not in CONTACT_TYPES or not _non_empty(item.get("contactValue")):
            errors.append(f"{where}.contactItems has an invalid item")


def customer_errors(body: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    if not _non_empty(body.get("customerFullName")):
        errors.append("customerFullName is required")
    _contact(errors, "mainContact", body.get("mainContact"), need_last=False)
    _address(errors, "physicalAddress", body.get("physicalAddress"), need_line1=False)
    return errors


def site_errors(body: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    _contact(errors, "defaultContact", body.get("defaultContact"), need_last=True)
    _address(errors, "siteAddress", body.get("siteAddress"), need_line1=True)
    return errors


def event_errors(body: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    if "title" in body:
        errors.append("use eventTitle, not title")
    if not _non_empty(body.get("eventTitle")):
        errors.append("eventTitle is required")
    if body.get("eventType") not in EVENT_TYPES:
        errors.append("eventType must be one of JOB_PHASE|QUOTE|ESTIMATE|OTHER")
    for key in ("startTime", "endTime"):
        if not isinstance(body.get(key), str) or not UTC_GRID.match(body[key]):
            errors.append(f"{key} must be UTC on the 15-minute grid")
    if not errors:
        start = datetime.fromisoformat(body["startTime"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(body["endTime"].replace("Z", "+00:00"))
        if end <= start:
            errors.append("endTime must be after startTime")
    return errors


def job_errors(body: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    if body.get("jobType") not in JOB_TYPES:
        errors.append("jobType must be Quote|Estimate|Charge Up")
    for key in ("title", "description"):
        if not _non_empty(body.get(key)):
            errors.append(f"{key} is required")
    for key in ("customerId", "siteId"):
        if not isinstance(body.get(key), int) or isinstance(body.get(key), bool):
            errors.append(f"{key} is required (an integer) for a live job")
    if "customerReference" in body and not isinstance(body["customerReference"], str):
        errors.append("customerReference must be a string")
    phase = body.get("phase") or {}
    if not _non_empty(phase.get("title")) or not _non_empty(phase.get("description")):
        errors.append("phase needs title and description")
    for item in body.get("lineItems") or []:
        if not _non_empty(item.get("itemDescription")):
            errors.append("line item needs itemDescription")
        if not isinstance(item.get("itemPrice"), Decimal) or not isinstance(
            item.get("itemQuantity"), Decimal
        ):
            errors.append("line item price and quantity must be Decimal")
    return errors
