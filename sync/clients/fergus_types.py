"""Typed views of Fergus answers. Each keeps the `raw` dict it was read from.

Readers are tolerant: fields the reference marks uncertain may be missing, and
addresses may come back with plain names (`city`, `state`...; reference §10.4).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

ADDRESS_KEYS = (
    "address1", "address2", "addressSuburb", "addressCity", "addressRegion", "addressPostcode",
    "addressCountry",
)
_PLAIN_TO_PREFIXED = {"city": "addressCity", "state": "addressRegion",
                      "postalCode": "addressPostcode", "country": "addressCountry",
                      "suburb": "addressSuburb"}


def parse_dt(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def money(value: Any) -> Decimal | None:
    # Fergus sends plain JSON numbers; go through str so 0.1 stays 0.1.
    return None if value is None else Decimal(str(value))


def address(value: Any) -> dict[str, str] | None:
    """An address in the writeable, prefixed names whatever names the API read back."""
    if not isinstance(value, dict):
        return None
    out = {k: "" for k in ADDRESS_KEYS}
    for key, val in value.items():
        key = _PLAIN_TO_PREFIXED.get(key, key)
        if key in out and val is not None:
            out[key] = str(val)
    return out


def contact_items(contact: Any) -> list[dict[str, str]]:
    if not isinstance(contact, dict):
        return []
    return [{"contactType": str(i.get("contactType", "")),
             "contactValue": str(i.get("contactValue", ""))}
            for i in contact.get("contactItems") or [] if isinstance(i, dict)]


def person_payload(contact: Any) -> dict[str, Any] | None:
    """A read PersonContact turned back into a write PersonPayload (no ids)."""
    if not isinstance(contact, dict):
        return None
    out: dict[str, Any] = {"firstName": contact.get("firstName") or ""}
    for key in ("lastName", "position", "company"):
        if contact.get(key):
            out[key] = contact[key]
    out["contactItems"] = contact_items(contact)
    return out


@dataclass
class CreateResult:
    """A POST that may answer 303: `created` is False when the record already existed."""

    id: int
    created: bool
    raw: dict = field(default_factory=dict, repr=False)


@dataclass
class Company:
    name: str
    time_zone: str | None
    currency: str | None
    tax_rate: Decimal | None
    tax_type: str | None
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Company:
        settings = {s.get("settingKey"): s.get("settingValue")
                    for s in d.get("settings") or [] if isinstance(s, dict)}
        tax = d.get("tax") or {}
        return cls(
            name=str(d.get("name") or ""),
            time_zone=settings.get("timezone") or settings.get("timeZone"),
            currency=settings.get("currency"), tax_rate=money(tax.get("rate")),
            tax_type=tax.get("type"), raw=d,
        )


@dataclass
class User:
    id: int
    email: str
    first_name: str
    last_name: str
    user_type: str
    status: str
    is_owner: bool | None
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> User:
        return cls(id=int(d["id"]), email=str(d.get("email") or ""),
                   first_name=d.get("firstName") or "", last_name=d.get("lastName") or "",
                   user_type=d.get("userType") or "", status=d.get("status") or "",
                   is_owner=d.get("isOwner"), raw=d)


@dataclass
class Customer:
    id: int
    full_name: str
    main_contact: dict | None
    physical_address: dict | None
    postal_address: dict | None
    created_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Customer:
        return cls(id=int(d["id"]), full_name=d.get("customerFullName") or "",
                   main_contact=d.get("mainContact"),
                   physical_address=address(d.get("physicalAddress")),
                   postal_address=address(d.get("postalAddress")),
                   created_at=parse_dt(d.get("createdAt")), raw=d)

    @property
    def emails(self) -> list[str]:
        return [i["contactValue"] for i in contact_items(self.main_contact)
                if i["contactType"] == "email"]

    def write_payload(self) -> dict[str, Any]:
        """The full PUT body that reproduces this customer (PUT is a full replace)."""
        body: dict[str, Any] = {"customerFullName": self.full_name,
                                "mainContact": person_payload(self.main_contact)
                                or {"firstName": self.full_name.split(" ")[0] or "-"}}
        if self.physical_address:
            body["physicalAddress"] = dict(self.physical_address)
        if self.postal_address:
            body["postalAddress"] = dict(self.postal_address)
        return body


@dataclass
class Site:
    id: int
    name: str
    physical_address: dict | None
    default_contact: dict | None
    is_archived: bool
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Site:
        return cls(id=int(d["id"]), name=d.get("name") or "",
                   physical_address=address(d.get("physicalAddress")),
                   default_contact=d.get("defaultContact"),
                   is_archived=bool(d.get("isArchived")), raw=d)


@dataclass
class Job:
    id: int
    job_no: str
    job_type: str
    status: str
    title: str  # read back as `description` (§7.5)
    description: str  # read back as `longDescription`
    customer_id: int | None
    site_id: int | None
    customer_reference: str | None  # only when the API returns it (unknown, §7.12)
    on_hold: bool
    archived: bool
    last_modified: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Job:
        cust = d.get("customer") or {}
        site = d.get("siteAddress") or {}
        return cls(id=int(d["id"]), job_no=str(d.get("jobNo") or ""),
                   job_type=d.get("jobType") or "", status=d.get("status") or "",
                   title=d.get("description") or d.get("title") or "",
                   description=d.get("longDescription") or "",
                   customer_id=cust.get("id"), site_id=site.get("id"),
                   customer_reference=d.get("customerReference"),
                   on_hold=bool(d.get("onHold")), archived=bool(d.get("archived")),
                   last_modified=parse_dt(d.get("lastModified")), raw=d)


@dataclass
class Phase:
    id: int
    job_id: int
    title: str
    description: str
    status: str
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Phase:
        return cls(id=int(d["id"]), job_id=int(d.get("jobId") or 0), title=d.get("title") or "",
                   description=d.get("description") or "", status=d.get("status") or "",
                   raw=d)


@dataclass
class LineItem:
    id: int
    description: str
    price: Decimal
    quantity: Decimal
    is_labour: bool
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> LineItem:
        return cls(id=int(d["id"]), description=d.get("itemDescription") or "",
                   price=money(d.get("itemPrice")) or Decimal(0),
                   quantity=money(d.get("itemQuantity")) or Decimal(0),
                   is_labour=bool(d.get("isLabour")), raw=d)


@dataclass
class CalendarEvent:
    id: int
    title: str
    description: str
    event_type: str
    start: datetime | None
    end: datetime | None
    user_id: int | None
    job_id: int | None
    job_phase_id: int | None
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> CalendarEvent:
        return cls(id=int(d["id"]), title=d.get("title") or d.get("eventTitle") or "",
                   description=d.get("description") or "", event_type=d.get("eventType") or "",
                   start=parse_dt(d.get("startTime")), end=parse_dt(d.get("endTime")),
                   user_id=d.get("userId"), job_id=d.get("jobId"),
                   job_phase_id=d.get("jobPhaseId"), raw=d)


@dataclass
class Note:
    id: int
    entity_name: str
    entity_id: int
    text: str
    is_pinned: bool
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Note:
        return cls(id=int(d["id"]), entity_name=d.get("entityName") or "",
                   entity_id=int(d.get("entityId") or 0), text=d.get("text") or "",
                   is_pinned=bool(d.get("isPinned")), raw=d)


@dataclass
class Invoice:
    id: int
    job_id: int | None
    customer_id: int | None
    invoice_number: str
    subtotal: Decimal | None
    tax_value: Decimal | None
    tax_rate: Decimal | None
    total_paid: Decimal | None
    status: str
    type: str
    due_date: datetime | None
    paid_at: datetime | None
    raw: dict = field(repr=False)

    @classmethod
    def from_json(cls, d: dict) -> Invoice:
        return cls(id=int(d["id"]), job_id=d.get("jobId"), customer_id=d.get("customerId"),
                   invoice_number=str(d.get("invoiceNumber") or ""),
                   subtotal=money(d.get("subtotal")), tax_value=money(d.get("taxValue")),
                   tax_rate=money(d.get("taxRate")), total_paid=money(d.get("totalPaid")),
                   status=d.get("status") or "", type=d.get("type") or "",
                   due_date=parse_dt(d.get("dueDate")), paid_at=parse_dt(d.get("paidAt")),
                   raw=d)

    @property
    def total(self) -> Decimal | None:
        # No grand-total field exists; subtotal + taxValue is inferred (§7.8).
        if self.subtotal is None or self.tax_value is None:
            return None
        return self.subtotal + self.tax_value

    @property
    def line_items(self) -> list[dict]:
        out: list[dict] = []

        def walk(sections: list) -> None:
            for s in sections or []:
                out.extend(s.get("lineItems") or [])
                walk(s.get("sections") or [])

        walk(self.raw.get("sections") or [])
        return out


@dataclass
class CredentialReport:
    ok: bool
    message: str
    company_name: str | None = None
    time_zone: str | None = None
    tax_rate: Decimal | None = None
    tax_type: str | None = None
    user_id: int | None = None
    user_name: str | None = None
    is_owner: bool | None = None
    error_kind: str | None = None
