"""Typed Cliniko records. Each keeps `raw` (the JSON as received; the mapping layer
works on it) and adds parsed conveniences: str ids, aware UTC datetimes, Decimal money,
related ids resolved from link URLs.

Parsing is tolerant where the API has been inconsistent over the years: ids that arrive
as JSON numbers, `""` where a date should be null, money as a number or a string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit


def sid(value: Any) -> str | None:
    """An id as a string (old payloads send numbers; never go through float)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float):
        raise ValueError("ids must not arrive as floats (64-bit ids lose precision)")
    return str(value)


def when(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)  # the API's times are UTC (#99)
    return parsed.astimezone(UTC)


def day(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return date.fromisoformat(str(value)[:10])


def money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        # str() first: `total_including_tax` may be a JSON number, never trust binary floats.
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError("not a decimal amount") from None


def link_id(raw: dict, name: str) -> str | None:
    """The id at the end of `raw[name].links.self` (relations come only as URLs)."""
    rel = raw.get(name)
    if not isinstance(rel, dict):
        return None
    url = (rel.get("links") or {}).get("self")
    if not url:
        return None
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return last if last.isdigit() else None


@dataclass
class Record:
    id: str
    created_at: datetime | None
    updated_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def base(cls, raw: dict) -> dict[str, Any]:
        return {
            "id": sid(raw.get("id")) or "",
            "created_at": when(raw.get("created_at")),
            "updated_at": when(raw.get("updated_at")),
            "raw": raw,
        }

    @classmethod
    def from_raw(cls, raw: dict) -> Record:
        return cls(**cls.base(raw))


@dataclass
class Patient(Record):
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    date_of_birth: date | None = None
    archived_at: datetime | None = None
    merged_at: datetime | None = None
    merged_with_patient_id: str | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> Patient:
        return cls(
            **cls.base(raw),
            first_name=raw.get("first_name") or "",
            last_name=raw.get("last_name") or "",
            email=raw.get("email") or None,
            date_of_birth=day(raw.get("date_of_birth")),
            archived_at=when(raw.get("archived_at")),
            merged_at=when(raw.get("merged_at")),
            merged_with_patient_id=link_id(raw, "merged_with_patient"),
        )


@dataclass
class Practitioner(Record):
    active: bool = True
    user_id: str | None = None
    display_name: str = ""

    @classmethod
    def from_raw(cls, raw: dict) -> Practitioner:
        return cls(
            **cls.base(raw),
            active=bool(raw.get("active", True)),
            user_id=link_id(raw, "user"),
            display_name=raw.get("display_name") or "",
        )


@dataclass
class User(Record):
    email: str | None = None
    role: str = ""
    first_name: str = ""
    last_name: str = ""

    @classmethod
    def from_raw(cls, raw: dict) -> User:
        return cls(
            **cls.base(raw),
            email=raw.get("email") or None,
            role=raw.get("role") or "",
            first_name=raw.get("first_name") or "",
            last_name=raw.get("last_name") or "",
        )


@dataclass
class Business(Record):
    name: str = ""
    time_zone_identifier: str | None = None
    archived_at: datetime | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> Business:
        return cls(
            **cls.base(raw),
            name=raw.get("business_name") or "",
            time_zone_identifier=raw.get("time_zone_identifier") or None,
            archived_at=when(raw.get("archived_at")),
        )


@dataclass
class AppointmentType(Record):
    name: str = ""
    duration_in_minutes: int | None = None
    archived_at: datetime | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> AppointmentType:
        return cls(
            **cls.base(raw),
            name=raw.get("name") or "",
            duration_in_minutes=raw.get("duration_in_minutes"),
            archived_at=when(raw.get("archived_at")),
        )


@dataclass
class IndividualAppointment(Record):
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    patient_id: str | None = None
    practitioner_id: str | None = None
    appointment_type_id: str | None = None
    business_id: str | None = None
    cancelled_at: datetime | None = None
    cancellation_reason: int | None = None
    archived_at: datetime | None = None
    did_not_arrive: bool = False
    invoice_status: int | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> IndividualAppointment:
        reason = raw.get("cancellation_reason")
        status = raw.get("invoice_status")
        return cls(
            **cls.base(raw),
            starts_at=when(raw.get("starts_at")),
            ends_at=when(raw.get("ends_at")),
            patient_id=link_id(raw, "patient"),
            practitioner_id=link_id(raw, "practitioner"),
            appointment_type_id=link_id(raw, "appointment_type"),
            business_id=link_id(raw, "business"),
            cancelled_at=when(raw.get("cancelled_at")),
            cancellation_reason=int(reason) if reason not in (None, "") else None,
            archived_at=when(raw.get("archived_at")),
            did_not_arrive=bool(raw.get("did_not_arrive")),
            invoice_status=int(status) if status not in (None, "") else None,
        )


@dataclass
class Invoice(Record):
    number: int | None = None
    status: int | None = None
    status_description: str = ""
    issue_date: date | None = None
    net_amount: Decimal | None = None
    tax_amount: Decimal | None = None
    total_amount: Decimal | None = None
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    patient_id: str | None = None
    practitioner_id: str | None = None
    business_id: str | None = None
    appointment_id: str | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> Invoice:
        number, status = raw.get("number"), raw.get("status")
        return cls(
            **cls.base(raw),
            number=int(number) if number not in (None, "") else None,
            status=int(status) if status not in (None, "") else None,
            status_description=raw.get("status_description") or "",
            issue_date=day(raw.get("issue_date")),
            net_amount=money(raw.get("net_amount")),
            tax_amount=money(raw.get("tax_amount")),
            total_amount=money(raw.get("total_amount")),
            closed_at=when(raw.get("closed_at")),
            archived_at=when(raw.get("archived_at")),
            patient_id=link_id(raw, "patient"),
            practitioner_id=link_id(raw, "practitioner"),
            business_id=link_id(raw, "business"),
            # Points at the legacy /appointments/{id}; the id is the individual appointment's.
            appointment_id=link_id(raw, "appointment"),
        )


@dataclass
class InvoiceItem(Record):
    invoice_id: str | None = None
    name: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    net_price: Decimal | None = None
    tax_name: str = ""
    tax_rate: Decimal | None = None
    tax_amount: Decimal | None = None
    total_including_tax: Decimal | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> InvoiceItem:
        return cls(
            **cls.base(raw),
            invoice_id=link_id(raw, "invoice"),
            name=raw.get("name") or "",
            quantity=money(raw.get("quantity")),
            unit_price=money(raw.get("unit_price")),
            net_price=money(raw.get("net_price")),
            tax_name=raw.get("tax_name") or "",
            tax_rate=money(raw.get("tax_rate")),
            tax_amount=money(raw.get("tax_amount")),
            total_including_tax=money(raw.get("total_including_tax")),
        )


@dataclass
class Tax(Record):
    name: str = ""
    rate: Decimal | None = None

    @classmethod
    def from_raw(cls, raw: dict) -> Tax:
        # `amount` is the deprecated spelling of `rate`.
        return cls(
            **cls.base(raw),
            name=raw.get("name") or "",
            rate=money(raw.get("rate", raw.get("amount"))),
        )


TYPES: dict[str, type[Record]] = {
    "patients": Patient,
    "practitioners": Practitioner,
    "users": User,
    "businesses": Business,
    "appointment_types": AppointmentType,
    "individual_appointments": IndividualAppointment,
    "invoices": Invoice,
    "invoice_items": InvoiceItem,
    "taxes": Tax,
}


def parse(resource: str, raw: dict) -> Record:
    return TYPES.get(resource, Record).from_raw(raw)
