"""Cliniko invoice → one Fergus Charge Up job with a phase mirroring the invoice items.

Fergus invoices are read-only over the API: the office raises the customer
invoice from this job in Fergus, and reconciliation compares its totals, GST
and status with Cliniko's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sync.models import CrossReference
from sync.models.work import ObjectType
from sync.push.base import Outcome, PushContext, Skip, link_id, payload_hash
from sync.push.patients import patient_customer_id, patient_site_id

INVOICE = ObjectType.INVOICE


def _items(ctx: PushContext, invoice_id: str) -> list[dict]:
    items = [record.raw for page in ctx.cliniko.invoice_items(invoice_id=invoice_id,
                                                              sort="created_at:asc")
             for record in page.items]
    return [i for i in items if not i.get("archived_at") and not i.get("deleted_at")]


def _find_job(ctx: PushContext, customer_id: int, reference: str) -> int | None:
    job = ctx.fergus.job_find_by_reference(customer_id, reference)
    return job.id if job else None


def _line_items_sync(ctx: PushContext, phase_id: int, wanted: list[dict], extra: dict) -> None:
    """Make the phase's line items exactly `wanted`: replace them when they differ."""
    for item_id in extra.get("line_item_ids", []):
        ctx.fergus.line_item_delete(phase_id, item_id)
    ids = []
    for line in wanted:
        added = ctx.fergus.line_item_add(
            phase_id, str(line.get("itemDescription") or "Item"),
            Decimal(str(line.get("itemPrice") or 0)),
            quantity=Decimal(str(line.get("itemQuantity") or 1)),
            is_labour=bool(line.get("isLabour", True)),
        )
        ids.append(added.id)
    extra["line_item_ids"] = ids


def invoice_push(ctx: PushContext, raw: dict, *, look_first: bool = False) -> Outcome:
    cliniko_id = str(raw["id"])
    if raw.get("_refetch") or "number" not in raw:
        raw = ctx.cliniko.get("invoices", cliniko_id).raw
    items = _items(ctx, cliniko_id)
    business = ctx.references.business(link_id(raw, "business"))
    context: dict[str, Any] = {"invoice_items": items, "business": business,
                               "time_zone": ctx.references.time_zone(business)}
    xref = ctx.xref(INVOICE, cliniko_id)
    linked = xref is not None and xref.fergus_id and xref.state == CrossReference.State.LINKED
    if raw.get("archived_at") or raw.get("deleted_at"):
        raise Skip("unchanged", "archived in Cliniko; the Fergus job is left for the office")
    ctx.check_filters("invoice_job", raw, context)
    ctx.check_hold("invoice_job", cliniko_id, is_new=not linked)

    patient_id = link_id(raw, "patient")
    if not patient_id:
        raise Skip("skipped", f"invoice {cliniko_id} has no patient")
    try:
        customer_id = patient_customer_id(ctx, patient_id)
    except Skip as skip:
        raise Skip("skipped", f"invoice {cliniko_id}: its patient is not in Fergus "
                              f"({skip.reason})") from skip
    context["patient"] = ctx.patient(patient_id)
    site_id = patient_site_id(ctx, patient_id)
    if site_id is None:
        raise Skip("skipped", f"invoice {cliniko_id}: patient {patient_id} has no Fergus site "
                              "(no street address); add the address in Cliniko")
    context.update(fergus_customer_id=customer_id, fergus_site_id=site_id)

    mapped = ctx.map("invoice_job", INVOICE, cliniko_id, raw, context)
    payload = dict(mapped.payload)
    phase = payload.pop("phase", None) or {"title": "Invoice items", "description": ""}
    lines = payload.pop("lineItems", None) or []
    payload.update(customerId=customer_id, siteId=site_id)
    digest = payload_hash({"job": payload, "phase": phase, "lines": lines})
    lines_digest = payload_hash(lines)
    extra = dict(xref.extra) if xref else {}
    reference = str(payload.get("customerReference") or raw.get("number") or cliniko_id)

    job_id = xref.fergus_id if linked else None
    if job_id is None and look_first:
        job_id = _find_job(ctx, customer_id, reference)
    if job_id is not None and linked and xref.payload_hash == digest and not ctx.force:
        return Outcome("unchanged", job_id)

    action = "updated"
    if job_id is None:
        job = ctx.fergus.job_create(
            payload.get("jobType") or "Charge Up", str(payload.get("title") or reference),
            description=str(payload.get("description") or ""), customer_id=customer_id,
            site_id=site_id, customer_reference=reference,
        )
        job_id = job.id
        action = "created"
        extra = {}
        # Link first: a failure below resumes on this job, never a second one.
        ctx.xref_save(INVOICE, cliniko_id, fergus_kind="job", fergus_id=job_id, extra=extra)
    phase_id = extra.get("phase_id")
    if phase_id is None:
        existing = ctx.fergus.phases(job_id) if action != "created" else []
        phase_id = existing[0].id if existing else ctx.fergus.phase_create(
            job_id, str(phase.get("title") or "Invoice items"),
            str(phase.get("description") or "")).id
        extra["phase_id"] = phase_id
        ctx.xref_save(INVOICE, cliniko_id, fergus_kind="job", fergus_id=job_id, extra=extra)
    if extra.get("lines_hash") != lines_digest or ctx.force:
        _line_items_sync(ctx, phase_id, lines, extra)
        extra["lines_hash"] = lines_digest
    elif action == "updated":
        # Only the job's title or description changed (say, the status text): a live
        # Fergus job cannot be edited over the API, so there is nothing to send.
        action = "unchanged"
    ctx.xref_save(INVOICE, cliniko_id, fergus_kind="job", fergus_id=job_id, payload_hash=digest,
                  extra=extra, source_updated_at=_updated(raw))
    return Outcome(action, job_id)


def _updated(raw: dict) -> Any:
    from sync.clients.cliniko_types import when

    return when(raw.get("updated_at"))
