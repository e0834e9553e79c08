"""Sites, jobs, phases and phase line items (reference §7.4-§7.6)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F, Q
from django.http import HttpResponse
from django.utils import timezone

from sandbox.fergus import models as m
from sandbox.fergus import render as r
from sandbox.fergus.http import bad, not_found, one, qbool, render, require, require_text, sw
from sandbox.fergus.views_people import Ctx, person, sorted_by

# --- sites -------------------------------------------------------------------


def _site(ctx: Ctx, site_id: int) -> m.Site:
    s = m.Site.objects.select_related("default_contact", "billing_contact").filter(
        company=ctx.company, pk=site_id).first()
    if s is None:
        raise not_found("Site")
    return s


def _site_address(b: dict) -> dict:
    require(b, "siteAddress")
    value = b["siteAddress"]
    if not isinstance(value, dict):
        raise bad("Validation Failed: [<body>/siteAddress: must be object].")
    if not str(value.get("address1") or "").strip():
        raise bad("The address1 must not be empty")
    return r.clean_address(value, 0)


def sites_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    qs = m.Site.objects.select_related("default_contact").filter(company=ctx.company)
    if v := g.get("filterSiteName"):
        qs = qs.filter(name__icontains=v)
    items = list(sorted_by(ctx, qs, {"name": "name", "createdAt": "created_at"}))
    if v := (g.get("filterAddressCity") or "").lower():
        items = [s for s in items if v in s.physical_address.get("addressCity", "").lower()]
    if v := (g.get("filterAddressPostalCode") or "").lower():
        items = [s for s in items if v in s.physical_address.get("addressPostcode", "").lower()]
    if v := (g.get("filterSearchText") or "").lower():
        items = [s for s in items if v in " ".join(
            [s.name, *map(str, s.physical_address.values())]).lower()]
    return ctx.list(items, r.site)


def sites_get(ctx: Ctx, site_id: int) -> HttpResponse:
    return one(r.site(_site(ctx, site_id)))


def sites_create(ctx: Ctx) -> HttpResponse:
    b = ctx.data()
    require(b, "defaultContact")
    contact = person(ctx, b["defaultContact"], "defaultContact", need_last=True)
    address = _site_address(b)
    for existing in m.Site.objects.filter(company=ctx.company, is_archived=False):
        pa = existing.physical_address
        if (pa.get("address1", "").lower() == address["address1"].lower()
                and pa.get("addressCity", "").lower() == address["addressCity"].lower()):
            return render(303, {"result": "redirect", "message": "Site already exists",
                                "location": f"/sites/{existing.pk}"})
    site = m.Site.objects.create(company=ctx.company, name=str(b.get("name") or ""),
                                 physical_address=address)
    contact.site = site
    contact.save()
    site.default_contact = contact
    site.physical_address["id"] = site.pk * 10 + 1
    if b.get("postalAddress"):
        site.postal_address = r.clean_address(b["postalAddress"], site.pk * 10 + 2)
    if b.get("billingContact"):
        billing = person(ctx, b["billingContact"], "billingContact")
        billing.site = site
        billing.save()
        site.billing_contact = billing
    site.save()
    return ctx.created(r.site(site))


def sites_patch(ctx: Ctx, site_id: int) -> HttpResponse:
    site = _site(ctx, site_id)
    b = ctx.data()
    address = _site_address(b)  # required on every PATCH (§7.4)
    address["id"] = site.physical_address.get("id", site.pk * 10 + 1)
    site.physical_address = address
    if "name" in b:
        site.name = str(b["name"] or "")
    if isinstance(b.get("defaultContact"), dict) and site.default_contact is not None:
        new = person(ctx, b["defaultContact"], "defaultContact")
        dc = site.default_contact
        dc.first_name, dc.last_name, dc.items = new.first_name, new.last_name, new.items
        dc.save()
    site.save()
    return one(r.site(site))


def sites_archive(ctx: Ctx, site_id: int) -> HttpResponse:
    site = _site(ctx, site_id)
    site.is_archived, site.deleted_at = True, timezone.now()
    site.save()
    return one(r.site(site))


def sites_restore(ctx: Ctx, site_id: int) -> HttpResponse:
    site = _site(ctx, site_id)
    site.is_archived, site.deleted_at = False, None
    site.save()
    return one(r.site(site))


# --- jobs ----------------------------------------------------------------------

ACTIVE_GROUP = (
    "To Price", "Quote Sent", "Estimate Sent", "To Schedule", "To Start", "In Progress",
    "Labour Complete", "To Invoice", "To Be Approved", "Invoiced", "Invoice Approved",
    "Invoice Queried",
)
JOB_STATUSES = ("Active", "Completed", "Estimate Rejected", "Estimate Sent", "Inactive",
                "Quote Sent", "Quote Rejected", "To Price")


def _job_type(b: dict) -> str:
    require(b, "jobType")
    if b["jobType"] not in m.Job.JOB_TYPES:
        raise bad("The jobType must be one of 'Quote', 'Estimate', or 'Charge Up'")
    return b["jobType"]


def _visible_jobs(ctx: Ctx) -> Any:
    qs = m.Job.objects.select_related("customer__main_contact", "site__default_contact").filter(
        company=ctx.company)
    if not sw(ctx.cid, "draft_jobs_visible", False):
        qs = qs.filter(is_draft=False)  # the DAO filters is_draft = false (§7.5)
    return qs


def _job(ctx: Ctx, job_id: int, *, drafts: bool = False) -> m.Job:
    qs = m.Job.objects.filter(company=ctx.company) if drafts else _visible_jobs(ctx)
    j = qs.filter(pk=job_id).first()
    if j is None:
        raise not_found("Job")
    return j


def _next_job_no(ctx: Ctx) -> str:
    # An F() update so concurrent creates never share a number.
    m.Company.objects.filter(pk=ctx.cid).update(next_job_no=F("next_job_no") + 1)
    return str(m.Company.objects.values_list("next_job_no", flat=True).get(pk=ctx.cid))


def jobs_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    qs = _visible_jobs(ctx)
    if not qbool(g.get("filterShowOnHold")):
        qs = qs.filter(on_hold=False)
    if not qbool(g.get("filterShowArchived")):
        qs = qs.filter(archived=False)
    if v := g.get("filterJobNo"):
        qs = qs.filter(job_no__icontains=v)
    if v := g.get("filterJobType"):
        qs = qs.filter(job_type=v)
    if v := g.get("filterCustomerId"):
        qs = qs.filter(customer_id=v)
    if v := g.get("filterSiteId"):
        qs = qs.filter(site_id=v)
    if v := g.get("filterJobStatus"):
        if v not in JOB_STATUSES:
            raise bad("Validation Failed: [<querystring>/filterJobStatus: must be equal to one "
                      "of the allowed values].")
        qs = qs.filter(status__in=ACTIVE_GROUP) if v == "Active" else qs.filter(status=v)
    if v := g.get("filterSearchText"):
        qs = qs.filter(Q(title__icontains=v) | Q(description__icontains=v)
                       | Q(job_no__icontains=v) | Q(customer__full_name__icontains=v)
                       | Q(site__name__icontains=v))
    qs = sorted_by(ctx, qs, {"jobNo": "job_no", "createdAt": "created_at",
                             "lastModified": "last_modified"})
    return ctx.list(qs, r.job)


def jobs_get(ctx: Ctx, job_id: int) -> HttpResponse:
    return one(r.job(_job(ctx, job_id)))


def jobs_create(ctx: Ctx) -> HttpResponse:
    b = ctx.data()
    job_type = _job_type(b)
    title = require_text(b, "title")
    draft = b.get("isDraft") is True
    if not draft:
        require(b, "description")
        require(b, "customerId")
        require(b, "siteId")
    job = m.Job(
        company=ctx.company, job_type=job_type, title=title,
        description=str(b.get("description") or ""), is_draft=draft,
        customer_id=_ref(ctx, m.Customer, b.get("customerId")),
        site_id=_ref(ctx, m.Site, b.get("siteId")),
        customer_reference=str(b.get("customerReference") or ""),
        status="Draft" if draft else "To Price",
    )
    if not draft:
        job.job_no = _next_job_no(ctx)
    job.save()
    data = r.job(job)
    data["status"] = "Draft"  # the POST answer says Draft; a GET shows "To Price" (§7.5)
    return ctx.created(data)


def _ref(ctx: Ctx, model: Any, pk: Any) -> int | None:
    if pk in (None, ""):
        return None
    qs = model.objects.filter(company=ctx.company, pk=pk)
    if model is m.Customer:
        qs = qs.filter(deleted_at__isnull=True)
    if not qs.exists():
        raise bad(f"The {model.__name__.lower()}Id does not exist")
    return int(pk)


def jobs_put(ctx: Ctx, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id, drafts=True)
    if not job.is_draft:
        raise bad("Only draft jobs can be updated")
    b = ctx.data()
    job.job_type = _job_type(b)
    job.title = require_text(b, "title")
    if "description" in b:
        job.description = str(b["description"] or "")
    if "customerId" in b:
        job.customer_id = _ref(ctx, m.Customer, b["customerId"])
    if "siteId" in b:
        job.site_id = _ref(ctx, m.Site, b["siteId"])
    if "customerReference" in b:
        job.customer_reference = str(b["customerReference"] or "")
    job.save()
    return one(r.job(job))


def jobs_finalise(ctx: Ctx, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id, drafts=True)
    if not job.is_draft:
        raise bad("Job is already finalised")
    if job.customer_id is None or job.site_id is None:
        raise bad("Validation Failed: [<body>: must have required property 'customerId'].")
    job.is_draft, job.status, job.job_no = False, "To Price", _next_job_no(ctx)
    job.save()
    return one(r.job(job))


def jobs_hold(ctx: Ctx, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id)
    b = ctx.data()
    require(b, "holdUntil")
    require(b, "notes")
    job.on_hold, job.hold_until, job.hold_notes = True, str(b["holdUntil"])[:10], str(b["notes"])
    job.save()
    return render(204, None)


def jobs_resume(ctx: Ctx, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id)
    job.on_hold, job.hold_until, job.hold_notes = False, None, ""
    job.save()
    return render(204, None)


# --- phases and line items ---------------------------------------------------------

def _phase(ctx: Ctx, job_id: int, phase_id: int) -> m.Phase:
    p = m.Phase.objects.filter(job__company=ctx.company, job_id=job_id, pk=phase_id).first()
    if p is None:
        raise not_found("Job phase")
    return p


def _touch(job_id: int) -> None:
    m.Job.objects.filter(pk=job_id).update(last_modified=timezone.now())


def phases_list(ctx: Ctx, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id, drafts=True)
    return one([r.phase(p) for p in job.phases.order_by("id")])  # not paginated (§7.6)


def phases_create(ctx: Ctx, job_id: int) -> HttpResponse:
    job = _job(ctx, job_id, drafts=True)
    b = ctx.data()
    phase = m.Phase.objects.create(job=job, title=require_text(b, "title"),
                                   description=str(_req(b, "description")))
    _touch(job.pk)
    return ctx.created(r.phase(phase))


def _req(b: dict, prop: str) -> Any:
    require(b, prop)
    return b[prop]


def phases_get(ctx: Ctx, job_id: int, phase_id: int) -> HttpResponse:
    return one(r.phase(_phase(ctx, job_id, phase_id)))


def phases_put(ctx: Ctx, job_id: int, phase_id: int) -> HttpResponse:
    p = _phase(ctx, job_id, phase_id)
    b = ctx.data()
    p.title = str(b.get("title", p.title))
    p.description = str(b.get("description", p.description))
    p.save()
    _touch(job_id)
    return one(r.phase(p))


def phases_void(ctx: Ctx, job_id: int, phase_id: int) -> HttpResponse:
    p = _phase(ctx, job_id, phase_id)
    p.status = "Voided"
    p.save()
    _touch(job_id)
    return render(204, None)


def _line_phase(ctx: Ctx, phase_id: int) -> m.Phase:
    p = m.Phase.objects.filter(job__company=ctx.company, pk=phase_id).first()
    if p is None:
        raise not_found("Job phase")
    return p


def _decimal(b: dict, prop: str, default: Any = None) -> Decimal:
    value = b.get(prop, default)
    if value is None:
        raise bad(f"Validation Failed: [<body>: must have required property '{prop}'].")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise bad(f"Validation Failed: [<body>/{prop}: must be number].") from exc


def stock_list(ctx: Ctx, phase_id: int | None = None) -> HttpResponse:
    qs = m.LineItem.objects.filter(phase__job__company=ctx.company)
    if phase_id is not None:
        qs = qs.filter(phase=_line_phase(ctx, phase_id))
    return ctx.list(qs.order_by("id"), r.line_item)


def stock_create(ctx: Ctx, phase_id: int) -> HttpResponse:
    p = _line_phase(ctx, phase_id)
    b = ctx.data()
    item = m.LineItem.objects.create(
        phase=p, item_description=require_text(b, "itemDescription"),
        item_price=_decimal(b, "itemPrice"), item_quantity=_decimal(b, "itemQuantity"),
        item_cost=_decimal(b, "itemCost", 0), is_labour=bool(b.get("isLabour", False)),
        sales_account_id=b.get("salesAccountId"),
        price_book_line_item_id=b.get("priceBookLineItemId"),
    )
    _touch(p.job_id)
    return ctx.created(r.line_item(item))


def _stock(ctx: Ctx, phase_id: int, item_id: int) -> m.LineItem:
    item = m.LineItem.objects.filter(phase=_line_phase(ctx, phase_id), pk=item_id).first()
    if item is None:
        raise not_found("Stock on hand")
    return item


def stock_patch(ctx: Ctx, phase_id: int, item_id: int) -> HttpResponse:
    item = _stock(ctx, phase_id, item_id)
    b = ctx.data()
    if "itemDescription" in b:
        item.item_description = str(b["itemDescription"])
    for prop, attr in (("itemPrice", "item_price"), ("itemQuantity", "item_quantity"),
                       ("itemCost", "item_cost")):
        if prop in b:
            setattr(item, attr, _decimal(b, prop))
    if "isLabour" in b:
        item.is_labour = bool(b["isLabour"])
    item.save()
    _touch(item.phase.job_id)
    return one(r.line_item(item))


def stock_delete(ctx: Ctx, phase_id: int, item_id: int) -> HttpResponse:
    item = _stock(ctx, phase_id, item_id)
    job_id = item.phase.job_id
    item.delete()
    _touch(job_id)
    return render(204, None)
