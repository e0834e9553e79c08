"""Company, version, users, customers, contacts (reference §7.1-§7.3, §7.9)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sandbox.fergus import models as m
from sandbox.fergus import render as r
from sandbox.fergus.http import (
    bad,
    forbidden,
    not_found,
    one,
    paginate,
    render,
    require,
    require_text,
    sw,
)

CONTACT_TYPES = ("email", "phone", "mobile", "other", "fax", "website")


@dataclass
class Ctx:
    request: HttpRequest
    company: m.Company
    user: m.User
    body: dict | None
    path: str

    @property
    def cid(self) -> int:
        return self.company.pk

    def data(self) -> dict:
        return self.body or {}

    def created(self, data: dict) -> HttpResponse:
        bare = sw(self.cid, "create_returns_bare_object", False)
        return one(data, 201, bare=bare)

    def list(self, items: Any, render_item: Any, key: Any = None) -> HttpResponse:
        kwargs = {"key": key} if key else {}
        return render(200, paginate(self.request, self.path, self.cid, list(items), render_item,
                                    **kwargs))


def sorted_by(ctx: Ctx, qs: Any, fields: dict[str, str], default: str = "id") -> Any:
    field = ctx.request.GET.get("sortField") or default
    if field not in fields and field != "id":
        raise bad("Validation Failed: [<querystring>/sortField: must be equal to one of the "
                  "allowed values].")
    order = ctx.request.GET.get("sortOrder", "asc").lower()
    column = fields.get(field, "id")
    return qs.order_by(("-" if order == "desc" else "") + column, "id")


# --- company, version ----------------------------------------------------------

def company(ctx: Ctx) -> HttpResponse:
    return one(r.company(ctx.company))


def version(ctx: Ctx) -> HttpResponse:
    if sw(ctx.cid, "version_body", "message") == "envelope":
        return one({"version": "v1"})
    return render(200, {"message": "1.0.0-sandbox"})


# --- users -----------------------------------------------------------------

def users_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    qs = m.User.objects.filter(company=ctx.company)
    if text := g.get("filterSearchText"):
        qs = qs.filter(Q(first_name__icontains=text) | Q(last_name__icontains=text)
                       | Q(email__icontains=text))
    if utype := g.get("filterUserType"):
        qs = qs.filter(user_type=utype)
    if status := g.get("filterStatus"):
        statuses = [status]
        if status == "active" and sw(ctx.cid, "users_active_filter_bug", True):
            statuses.append("disabled")  # the documented bug: banned users leak through
        qs = qs.filter(status__in=statuses)
    qs = sorted_by(ctx, qs, {"firstName": "first_name", "lastName": "last_name",
                             "createdAt": "created_at"})
    return ctx.list(qs, r.user)


def users_me(ctx: Ctx) -> HttpResponse:
    return one(r.user(ctx.user, me=True))


def _user(ctx: Ctx, user_id: int) -> m.User:
    u = m.User.objects.filter(company=ctx.company, pk=user_id).first()
    if u is None:
        raise not_found("User")
    return u


def users_get(ctx: Ctx, user_id: int) -> HttpResponse:
    return one(r.user(_user(ctx, user_id)))


def users_patch(ctx: Ctx, user_id: int) -> HttpResponse:
    u = _user(ctx, user_id)
    # Our choice (documented in the README of this app): only full users may edit others.
    if u.pk != ctx.user.pk and ctx.user.user_type != "full_user":
        raise forbidden(ctx.cid)
    b = ctx.data()
    allowed = {"firstName", "lastName", "address", "payRate", "chargeOutRate", "contactItems"}
    if extra := sorted(set(b) - allowed):
        raise bad(f"Validation Failed: [<body>: must NOT have additional properties '{extra[0]}'].")
    if not b:
        raise bad("Validation Failed: [<body>: must NOT have fewer than 1 properties].")
    for rate in ("payRate", "chargeOutRate"):
        if rate in b and (not isinstance(b[rate], int | float) or b[rate] < 0):
            raise bad(f"Validation Failed: [<body>/{rate}: must be >= 0].")
    if "contactItems" in b:
        items = _contact_items(b["contactItems"], types=CONTACT_TYPES[1:])
        u.contact_items = items
    if "address" in b:
        missing = [k for k in r.ADDRESS_KEYS if k not in (b["address"] or {})]
        if missing:
            raise bad(f"Validation Failed: [<body>/address: must have required property "
                      f"'{missing[0]}'].")
        u.address = r.clean_address(b["address"], u.pk)
    u.first_name = b.get("firstName", u.first_name)
    u.last_name = b.get("lastName", u.last_name)
    u.pay_rate = b.get("payRate", u.pay_rate)
    u.charge_out_rate = b.get("chargeOutRate", u.charge_out_rate)
    u.save()
    return one(r.user(u))


# --- contacts ----------------------------------------------------------------

# Contact items have ids but no table of their own: a process-wide counter seeded from the
# clock keeps them unique across restarts of the sandbox.
_item_ids = itertools.count(int(time.time()) % 10**6 * 1000)


def _contact_items(items: Any, types: tuple[str, ...] = CONTACT_TYPES) -> list[dict]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise bad("Validation Failed: [<body>/contactItems: must be array].")
    out = []
    for item in items:
        if not isinstance(item, dict) or "contactType" not in item:
            raise bad("Validation Failed: [<body>/contactItems: must have required property "
                      "'contactType'].")
        if item["contactType"] not in types:
            allowed = ", ".join(f"'{t}'" for t in types)
            raise bad(f"The contactType must be one of {allowed}")
        out.append({"id": item.get("id") or next(_item_ids), "contactType": item["contactType"],
                    "contactValue": str(item.get("contactValue") or "")})
    return out


def person(ctx: Ctx, data: Any, prop: str, *, need_last: bool = False) -> m.Contact:
    if not isinstance(data, dict):
        raise bad(f"Validation Failed: [<body>/{prop}: must be object].")
    if not data.get("firstName"):
        raise bad(f"Validation Failed: [<body>/{prop}: must have required property 'firstName'].")
    if need_last and not data.get("lastName"):
        raise bad(f"Validation Failed: [<body>/{prop}: must have required property 'lastName'].")
    return m.Contact(
        company=ctx.company, first_name=data["firstName"], last_name=data.get("lastName") or "",
        position=data.get("position") or "", company_name=data.get("company") or "",
        items=_contact_items(data.get("contactItems")),
    )


def _contact(ctx: Ctx, contact_id: int) -> m.Contact:
    c = m.Contact.objects.filter(company=ctx.company, pk=contact_id).first()
    if c is None:
        raise not_found("Contact")
    return c


def contacts_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    qs = m.Contact.objects.filter(company=ctx.company)
    if v := g.get("filterCustomerId"):
        qs = qs.filter(customer_id=v)
    if v := g.get("filterSiteId"):
        qs = qs.filter(site_id=v)
    if v := g.get("filterContactType"):
        qs = qs.filter(customer__isnull=False) if v == "CUSTOMER" else qs.filter(site__isnull=False)
    items = list(sorted_by(ctx, qs, {"firstName": "first_name", "lastName": "last_name",
                                     "createdAt": "created_at"}))
    if text := (g.get("filterSearchText") or "").lower():
        items = [c for c in items if text in _contact_haystack(c)]
    return ctx.list(items, r.contact_full)


def _contact_haystack(c: m.Contact) -> str:
    values = [c.first_name, c.last_name] + [i.get("contactValue", "") for i in c.items]
    return " ".join(values).lower()


def contacts_create(ctx: Ctx) -> HttpResponse:
    b = ctx.data()
    c = person(ctx, b, "body")
    if sw(ctx.cid, "contact_create_requires_parent_and_email", False):
        if not (b.get("customerId") or b.get("siteId")):
            raise bad("Validation Failed: [<body>: must have required property 'customerId'].")
        if not any(i["contactType"] == "email" for i in c.items):
            raise bad("An email contact item is required")
    c.customer_id = _owned(ctx, m.Customer, b.get("customerId"))
    c.site_id = _owned(ctx, m.Site, b.get("siteId"))
    c.save()
    return ctx.created(r.contact_full(c))


def _owned(ctx: Ctx, model: Any, pk: Any) -> int | None:
    if pk in (None, ""):
        return None
    if not model.objects.filter(company=ctx.company, pk=pk).exists():
        raise not_found(model.__name__)
    return int(pk)


def contacts_get(ctx: Ctx, contact_id: int) -> HttpResponse:
    return one(r.contact_full(_contact(ctx, contact_id)))


def contacts_put(ctx: Ctx, contact_id: int) -> HttpResponse:
    c = _contact(ctx, contact_id)
    new = person(ctx, ctx.data(), "body")
    c.first_name, c.last_name = new.first_name, new.last_name
    c.position, c.company_name, c.items = new.position, new.company_name, new.items
    c.save()
    return one(r.contact_full(c))


# --- customers -------------------------------------------------------------------

def _customer(ctx: Ctx, customer_id: int) -> m.Customer:
    c = (m.Customer.objects.select_related("main_contact")
         .filter(company=ctx.company, pk=customer_id, deleted_at__isnull=True).first())
    if c is None:
        raise not_found("Customer")
    return c


def _email_of(contact: m.Contact | None) -> str:
    for item in (contact.items if contact else []):
        if item.get("contactType") == "email":
            return str(item.get("contactValue", "")).lower()
    return ""


def customers_list(ctx: Ctx) -> HttpResponse:
    qs = m.Customer.objects.select_related("main_contact").filter(
        company=ctx.company, deleted_at__isnull=True)
    text = (ctx.request.GET.get("filterSearchText") or "").lower()
    if text and not sw(ctx.cid, "customer_search_flaky", False):
        qs = qs.filter(search_text__contains=text)
    items = list(sorted_by(ctx, qs, {"name": "full_name", "createdAt": "created_at"}))
    return ctx.list(items, r.customer)


def customers_get(ctx: Ctx, customer_id: int) -> HttpResponse:
    return one(r.customer(_customer(ctx, customer_id)))


def _customer_fields(ctx: Ctx) -> tuple[str, m.Contact, dict | None, dict | None]:
    b = ctx.data()
    name = require_text(b, "customerFullName")
    require(b, "mainContact")
    contact = person(ctx, b["mainContact"], "mainContact")
    addresses = []
    for key in ("physicalAddress", "postalAddress"):
        value = b.get(key)
        if value is not None and not isinstance(value, dict):
            raise bad(f"Validation Failed: [<body>/{key}: must be object].")
        addresses.append(r.clean_address(value, 0) if value else None)
    return name, contact, addresses[0], addresses[1]


def customers_create(ctx: Ctx) -> HttpResponse:
    name, contact, physical, postal = _customer_fields(ctx)
    email = _email_of(contact)
    if email:
        for existing in m.Customer.objects.select_related("main_contact").filter(
                company=ctx.company, full_name=name, deleted_at__isnull=True):
            if _email_of(existing.main_contact) == email:
                return render(303, {"result": "redirect", "message": "Customer already exists",
                                    "location": f"/customers/{existing.pk}"})
    customer = m.Customer.objects.create(company=ctx.company, full_name=name)
    _attach(customer, contact, physical, postal)
    return ctx.created(r.customer(customer))


def _attach(customer: m.Customer, contact: m.Contact, physical: Any, postal: Any) -> None:
    contact.customer = customer
    contact.save()
    for value in (physical, postal):
        if value:
            value["id"] = customer.pk * 10 + (1 if value is physical else 2)
    customer.main_contact = contact
    customer.physical_address, customer.postal_address = physical, postal
    customer.save()


def customers_put(ctx: Ctx, customer_id: int) -> HttpResponse:
    customer = _customer(ctx, customer_id)
    name, contact, physical, postal = _customer_fields(ctx)
    old = customer.main_contact
    if old is not None:
        contact.pk, contact.created_at = old.pk, old.created_at
    customer.full_name = name
    # Full replace: omitted addresses are dropped (reference §13, inferred).
    _attach(customer, contact, physical, postal)
    return one(r.customer(customer))


def customers_delete(ctx: Ctx, customer_id: int) -> HttpResponse:
    customer = _customer(ctx, customer_id)
    if ctx.user.user_type != "full_user":
        raise forbidden(ctx.cid)
    if sw(ctx.cid, "customer_delete_block_if_jobs", False) and customer.job_set.exists():
        raise bad("Customer has jobs and cannot be deleted")
    if sw(ctx.cid, "customer_delete_mode", "soft") == "hard":
        customer.delete()
    else:
        customer.deleted_at = timezone.now()
        customer.save(update_fields=["deleted_at"])
    return render(204, None)
