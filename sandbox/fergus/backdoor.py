"""What a Fergus office user does in the web app, for the demo and the tests.

Plain service functions plus an unauthenticated HTTP wrapper under
/fergus/_backdoor/<action>; it exists only in the sandbox (the real API has no
invoice writes at all, reference §7.8).
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox.fergus import models as m
from sandbox.fergus import render as r

CENT = Decimal("0.01")


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def invoice_raise(job_id: int, *, status: str = "unpaid", type: str = "approved",  # noqa: A002
                  due_days: int = 14) -> m.Invoice:
    """Raise a customer invoice from a Charge Up job's active phases' line items."""
    job = m.Job.objects.select_related("company", "customer").get(pk=job_id)
    if job.job_type != "Charge Up":
        raise ValueError(f"job {job_id} is not a Charge Up job")
    if status not in m.Invoice.STATUSES or type not in m.Invoice.TYPES:
        raise ValueError("unknown invoice status or type")
    company = job.company
    sections = []
    subtotal = Decimal("0")
    for order, phase in enumerate(job.phases.exclude(status="Voided").order_by("id"), start=1):
        items = []
        for pos, li in enumerate(phase.line_items.order_by("id"), start=1):
            subtotal += li.item_quantity * li.item_price
            items.append({
                "customerInvoiceLineItemId": li.pk, "itemName": li.item_description[:60],
                "itemDescription": li.item_description, "itemQuantity": float(li.item_quantity),
                "itemPrice": float(li.item_price), "discountRate": 0,
                "salesAccountId": li.sales_account_id, "isLabour": li.is_labour,
                "priceBookLineItemId": li.price_book_line_item_id, "sortOrder": pos,
                "isCombined": False, "combinedItemId": None, "isCardPaymentFee": False,
            })
        sections.append({"sectionId": phase.pk, "name": phase.title, "sortOrder": order,
                         "parentSectionId": None, "description": phase.description,
                         "lineItems": items, "sections": []})
    subtotal = _money(subtotal)
    rate = company.tax_rate
    now = timezone.now()
    count = m.Invoice.objects.filter(company=company).count()
    return m.Invoice.objects.create(
        company=company, job=job, customer=job.customer, title=job.title,
        description=job.description, invoice_number=f"{company.prefix}-{1001 + count}",
        subtotal=subtotal, tax_rate=rate, tax_value=_money(subtotal * rate / 100),
        type=type, status=status, is_sent=status != "draft", is_final=type == "approved",
        invoice_date=now, due_date=now + timedelta(days=due_days), sections=sections,
        paid_at=now if status == "paid" else None,
        total_paid=_money(subtotal + _money(subtotal * rate / 100)) if status == "paid" else 0,
    )


def invoice_mark_paid(invoice_id: int) -> m.Invoice:
    inv = m.Invoice.objects.get(pk=invoice_id)
    inv.status, inv.paid_at = "paid", timezone.now()
    inv.total_paid = inv.subtotal + inv.tax_value
    inv.save()
    return inv


def invoice_set_status(invoice_id: int, status: str) -> m.Invoice:
    if status not in m.Invoice.STATUSES:
        raise ValueError("unknown invoice status")
    inv = m.Invoice.objects.get(pk=invoice_id)
    inv.status = status
    inv.save()
    return inv


def customer_edit(customer_id: int, *, full_name: str | None = None,
                  email: str | None = None, phone: str | None = None,
                  address1: str | None = None) -> m.Customer:
    """An office user editing a customer by hand (drift the sync must notice)."""
    c = m.Customer.objects.select_related("main_contact").get(pk=customer_id)
    if full_name is not None:
        c.full_name = full_name
    mc = c.main_contact
    if mc is not None:
        for kind, value in (("email", email), ("mobile", phone)):
            if value is None:
                continue
            items = [i for i in mc.items if i.get("contactType") != kind]
            items.append({"id": mc.pk * 100 + len(items) + 1, "contactType": kind,
                          "contactValue": value})
            mc.items = items
        mc.save()
    if address1 is not None:
        c.physical_address = {**(c.physical_address or {k: "" for k in r.ADDRESS_KEYS}),
                              "address1": address1}
    c.save()
    return c


def event_delete(event_id: int) -> bool:
    deleted, _ = m.CalendarEvent.objects.filter(pk=event_id).delete()
    return bool(deleted)


@csrf_exempt
def backdoor_view(request: HttpRequest, action: str) -> JsonResponse:
    if request.method != "POST":
        return JsonResponse({"message": "POST only"}, status=405)
    try:
        data: dict[str, Any] = json.loads(request.body or b"{}")
        if action == "invoice_raise":
            inv = invoice_raise(int(data["jobId"]), status=data.get("status", "unpaid"),
                                type=data.get("type", "approved"))
            return JsonResponse(r.invoice_detail(inv), status=201)
        if action == "invoice_mark_paid":
            return JsonResponse(r.invoice(invoice_mark_paid(int(data["invoiceId"]))))
        if action == "customer_edit":
            c = customer_edit(int(data["customerId"]), full_name=data.get("customerFullName"),
                              email=data.get("email"), phone=data.get("phone"),
                              address1=data.get("address1"))
            return JsonResponse(r.customer(c))
        if action == "event_delete":
            return JsonResponse({"deleted": event_delete(int(data["eventId"]))})
    except (KeyError, ValueError, TypeError) as exc:
        return JsonResponse({"message": f"bad request: {type(exc).__name__}"}, status=400)
    except (m.Invoice.DoesNotExist, m.Job.DoesNotExist, m.Customer.DoesNotExist):
        return JsonResponse({"message": "not found"}, status=404)
    return JsonResponse({"message": f"unknown action {action}"}, status=404)
