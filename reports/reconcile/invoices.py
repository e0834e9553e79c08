"""Invoices ↔ Fergus Charge Up jobs and the customer invoices raised from them.

Fergus jobs and customer invoices are streamed first into small maps (job ids;
job id → the newest non-voided invoice's subtotal, GST and status); Cliniko
invoices are then streamed and compared: net, GST, total, and the status
through the mapping's status translation (`@expected_fergus_status`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mappings.engine import translate
from reports.reconcile.common import Recon, not_found
from sync.clients.cliniko_types import money
from sync.models import CrossReference
from sync.models.work import ObjectType
from sync.push.base import link_id

INVOICE = ObjectType.INVOICE
FergusInvoice = tuple[int, Decimal | None, Decimal | None, str]


def check_invoices(r: Recon) -> None:
    jobs = {job.id for job in r.fergus.jobs(job_type="Charge Up", include_on_hold=True,
                                            include_archived=True)}
    raised: dict[int, FergusInvoice] = {}
    for inv in r.fergus.invoices():
        if not inv.job_id or inv.status == "voided":
            continue
        known = raised.get(int(inv.job_id))
        if known is None or inv.id > known[0]:
            raised[int(inv.job_id)] = (inv.id, inv.subtotal, inv.tax_value, inv.status)
    r.count("fergus_jobs", len(jobs))
    for page in r.cliniko.iter_pages("invoices", include_archived=True):
        ids = [str(rec.id) for rec in page.items]
        links, states = r.links(INVOICE, ids), r.item_states(INVOICE, ids)
        r.count("invoices", len(ids))
        for rec in page.items:
            _invoice(r, rec.raw, str(rec.id), links.get(str(rec.id)), states, jobs, raised)


def _invoice(r: Recon, raw: dict, cid: str, link: Any, states: dict[str, str],
             jobs: set[int], raised: dict[int, FergusInvoice]) -> None:
    if raw.get("archived_at") or raw.get("deleted_at"):
        return
    business = r.references.business(link_id(raw, "business"))
    context = {"invoice_items": [], "business": business,
               "time_zone": r.references.time_zone(business)}
    if link is None or not link.fergus_id:
        if not r.filtered_out("invoice_job", raw, context):
            r.missing_unless_explained(INVOICE, cid, states)
        return
    if link.state != CrossReference.State.LINKED:
        return
    job_id = int(link.fergus_id)
    if job_id not in jobs:
        try:
            r.fergus.job(job_id)
        except Exception as exc:
            if not not_found(exc):
                raise
            r.recorder.found("fergus_record_gone", INVOICE, cliniko_id=cid, fergus_id=job_id)
            return
    invoice = raised.get(job_id)
    if invoice is None:
        if r.setting.report_uninvoiced_jobs:
            r.recorder.found("invoice_mismatch", INVOICE, cliniko_id=cid, fergus_id=job_id,
                             field="invoice", values=("raised in Cliniko", "not raised"))
        return
    _, subtotal, tax, status = invoice
    net, gst, total = (money(raw.get(k)) for k in ("net_amount", "tax_amount", "total_amount"))
    fergus_total = subtotal + tax if subtotal is not None and tax is not None else None
    expected = _expected_status(r, raw, context)
    for name, mine, theirs in (("net", net, subtotal), ("gst", gst, tax),
                               ("total", total, fergus_total), ("status", expected, status)):
        if mine is None or theirs is None:
            continue
        if (mine != theirs) if name != "status" else (str(mine) != str(theirs)):
            r.recorder.found("invoice_mismatch", INVOICE, cliniko_id=cid, fergus_id=job_id,
                             field=name, detail={"invoice_id": invoice[0]},
                             values=(str(mine), str(theirs)))


def _expected_status(r: Recon, raw: dict, context: dict) -> str | None:
    mapped = r.map("invoice_job", raw, context)
    status = mapped.meta.get("expected_fergus_status")
    if status:
        return str(status)
    # A mapping without the rule: the translation table still says what to expect.
    value = translate(r.translations, "invoice_status", str(raw.get("status") or ""))
    return str(value) if value else None
