"""Read models (reference §7, §13): rows → JSON, in the API's field names."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sandbox.fergus import models as m
from sandbox.fergus.http import sw

ADDRESS_KEYS = (
    "address1", "address2", "addressSuburb", "addressCity", "addressRegion", "addressPostcode",
    "addressCountry",
)
# `address_names_on_read=plain` renames these on read (reference §10 item 4).
_PLAIN = {"addressCity": "city", "addressRegion": "state", "addressPostcode": "postalCode",
          "addressCountry": "country"}


def ts(value: datetime | None) -> str | None:
    # Timestamps are ISO UTC strings with `Z` (reference §13).
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def num(value: Decimal | None) -> float | None:
    # Fergus money is a plain JSON number (reference §9).
    return None if value is None else float(value)


def links(href: str, *extra: tuple[str, str, str]) -> list[dict]:
    out = [{"href": href, "rel": "self", "type": "GET"}]
    out += [{"href": h, "rel": r, "type": t} for h, r, t in extra]
    return out


def address(company_id: int, value: dict | None) -> dict | None:
    if value is None:
        return None
    out: dict[str, Any] = {"id": value.get("id")}
    plain = sw(company_id, "address_names_on_read", "prefixed") == "plain"
    for key in ADDRESS_KEYS:
        out[_PLAIN.get(key, key) if plain else key] = value.get(key, "")
    return out


def clean_address(value: dict, next_id: int) -> dict:
    """Keep only the documented keys; others (city, state...) are silently dropped (§7.2)."""
    out = {k: str(value.get(k) or "") for k in ADDRESS_KEYS}
    out["id"] = next_id
    return out


def contact(c: m.Contact | None) -> dict | None:
    if c is None:
        return None
    return {
        "id": c.pk, "firstName": c.first_name, "lastName": c.last_name, "position": c.position,
        "company": c.company_name, "contactItems": c.items,
    }


def contact_full(c: m.Contact) -> dict:
    out = contact(c) or {}
    out.update({"customerId": c.customer_id, "siteId": c.site_id,
                "links": links(f"/contacts/{c.pk}", (f"/contacts/{c.pk}", "edit", "PUT"))})
    return out


def company(c: m.Company) -> dict:
    return {
        "guid": c.guid, "prefix": c.prefix, "name": c.name, "dateCreated": ts(c.created_at),
        "active": True, "hasTermsOfTrade": False, "hasLogo": False, "contact": None,
        "settings": [
            {"settingKey": "timezone", "settingValue": c.timezone},
            {"settingKey": "currency", "settingValue": c.currency},
            {"settingKey": "dateFormat", "settingValue": "DD/MM/YYYY"},
        ],
        "tax": {"rate": num(c.tax_rate), "type": c.tax_type},
    }


def user(u: m.User, *, me: bool = False) -> dict:
    out = {
        "id": u.pk, "companyId": u.company_id, "firstName": u.first_name,
        "lastName": u.last_name, "email": u.email, "userType": u.user_type,
        "status": u.status, "createdAt": ts(u.created_at), "modifiedAt": ts(u.modified_at),
        "address": address(u.company_id, u.address), "payRate": num(u.pay_rate),
        "chargeOutRate": num(u.charge_out_rate), "contactItems": u.contact_items,
        "links": links(f"/users/{u.pk}", (f"/users/{u.pk}", "edit", "PATCH")),
    }
    if me:
        out["isOwner"] = u.is_owner
    return out


def customer(c: m.Customer) -> dict:
    return {
        "id": c.pk, "companyId": c.company_id, "customerFullName": c.full_name,
        "createdAt": ts(c.created_at), "mainContact": contact(c.main_contact),
        "physicalAddress": address(c.company_id, c.physical_address),
        "postalAddress": address(c.company_id, c.postal_address),
        "billingContact": None, "pricingTier": {"id": 1, "name": "Default"},
        "customerSource": c.customer_source or None,
        "links": links(f"/customers/{c.pk}", (f"/customers/{c.pk}", "edit", "PUT"),
                       (f"/customers/{c.pk}", "delete", "DELETE")),
    }


def site(s: m.Site) -> dict:
    return {
        "id": s.pk, "companyId": s.company_id, "name": s.name, "createdAt": ts(s.created_at),
        "defaultContact": contact(s.default_contact), "billingContact": contact(s.billing_contact),
        "physicalAddress": address(s.company_id, s.physical_address),
        "postalAddress": address(s.company_id, s.postal_address),
        "isArchived": s.is_archived, "deletedAt": ts(s.deleted_at),
        "links": links(f"/sites/{s.pk}", (f"/sites/{s.pk}", "edit", "PATCH"),
                       (f"/sites/{s.pk}/archive", "archive", "POST")),
    }


def job(j: m.Job) -> dict:
    site_address = None
    if j.site is not None:
        dc = j.site.default_contact
        site_address = {"id": j.site.pk, "name": j.site.name,
                        "firstName": dc.first_name if dc else "",
                        "lastName": dc.last_name if dc else ""}
        site_address.update({k: j.site.physical_address.get(k, "") for k in ADDRESS_KEYS})
    out = {
        "id": j.pk, "jobNo": j.job_no, "description": j.title, "longDescription": j.description,
        "createdAt": ts(j.created_at), "lastModified": ts(j.last_modified),
        "jobType": j.job_type, "status": j.status, "assignedGroups": ["Default"],
        "customer": None if j.customer is None else {
            "id": j.customer.pk, "customerFullName": j.customer.full_name,
            "links": links(f"/customers/{j.customer.pk}")},
        "siteAddress": site_address,
        "mainContact": contact(j.customer.main_contact) if j.customer else None,
        "activeQuote": None, "onHold": j.on_hold, "archived": j.archived,
        # The documented bug: the finalise link says POST although the endpoint is PUT (§3).
        "links": links(f"/jobs/{j.pk}", (f"/jobs/{j.pk}", "edit", "PUT"),
                       (f"/jobs/{j.pk}/finalise", "finalise", "POST")),
    }
    if sw(j.company_id, "job_customer_reference_on_read", False):
        out["customerReference"] = j.customer_reference or None
    return out


def phase(p: m.Phase) -> dict:
    return {
        "id": p.pk, "jobId": p.job_id, "title": p.title, "description": p.description,
        "status": p.status, "createdAt": ts(p.created_at), "assignedGroups": ["Default"],
        "links": links(f"/jobs/{p.job_id}/phases/{p.pk}"),
    }


def line_item(li: m.LineItem) -> dict:
    return {
        "id": li.pk, "phaseId": li.phase_id, "itemDescription": li.item_description,
        "itemPrice": num(li.item_price), "itemCost": num(li.item_cost),
        "itemQuantity": num(li.item_quantity), "isLabour": li.is_labour,
        "salesAccountId": li.sales_account_id, "priceBookLineItemId": li.price_book_line_item_id,
        "dateEntered": ts(li.created_at), "lastModified": ts(li.last_modified),
        "links": links(f"/phases/{li.phase_id}/stockOnHand/{li.pk}"),
    }


def event(e: m.CalendarEvent) -> dict:
    u = e.user
    return {
        "id": e.pk, "companyId": e.company_id, "userId": e.user_id,
        "userName": f"{u.first_name} {u.last_name}".strip() if u else None,
        "groupId": e.group_id, "title": e.title, "description": e.description,
        "eventType": e.event_type, "jobId": e.job_id, "jobPhaseId": e.job_phase_id,
        "startTime": ts(e.start_time), "endTime": ts(e.end_time), "isActive": e.is_active,
        "isAllDay": e.is_all_day, "isRecurring": bool(e.recurrence),
        "recurringEventDetails": e.recurrence, "createdAt": ts(e.created_at),
        "links": links(f"/calendarEvents/{e.pk}", (f"/calendarEvents/{e.pk}", "edit", "POST"),
                       (f"/calendarEvents/{e.pk}", "delete", "DELETE")),
    }


def note(n: m.Note) -> dict:
    return {
        "id": n.pk, "companyId": n.company_id, "entityId": n.entity_id,
        "entityName": n.entity_name, "text": n.text, "createdById": n.created_by_id,
        "createdAt": ts(n.created_at), "isPinned": n.is_pinned, "parentId": n.parent_id,
        "links": links(f"/notes/{n.pk}"), "replies": [],
    }


def invoice(i: m.Invoice) -> dict:
    return {
        "id": i.pk, "jobId": i.job_id, "customerId": i.customer_id, "title": i.title,
        "invoiceNumber": i.invoice_number, "subtotal": num(i.subtotal),
        "taxValue": num(i.tax_value), "taxRate": num(i.tax_rate),
        "totalPaid": num(i.total_paid), "type": i.type, "status": i.status,
        "isSent": i.is_sent, "isFinal": i.is_final, "dueDate": ts(i.due_date),
        "invoiceDate": ts(i.invoice_date), "paidAt": ts(i.paid_at),
        "createdAt": ts(i.created_at), "fergusPayEnabled": False,
        "links": links(f"/customerInvoices/{i.pk}"),
    }


def invoice_detail(i: m.Invoice) -> dict:
    out = invoice(i)
    c = i.customer
    out.update({
        "attn": None, "description": i.description,
        "receiverEmail": None, "receiverFullName": c.full_name if c else None,
        "receiverPostalAddress": None, "dueDays": 14,
        "customer": None if c is None else {
            "id": c.pk, "customerFullName": c.full_name, "links": links(f"/customers/{c.pk}")},
        "sections": i.sections,
    })
    return out
