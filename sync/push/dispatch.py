"""Route a work item to its handler."""

from __future__ import annotations

from sync.models import WorkItem
from sync.models.work import ObjectType
from sync.outbox import snapshot_decode
from sync.push.appointments import appointment_push
from sync.push.base import Outcome, PushContext
from sync.push.invoices import invoice_push
from sync.push.patients import patient_push

HANDLERS = {
    ObjectType.PATIENT: patient_push,
    ObjectType.APPOINTMENT: appointment_push,
    ObjectType.INVOICE: invoice_push,
}
RESOURCES = {
    ObjectType.PATIENT: "patients",
    ObjectType.APPOINTMENT: "individual_appointments",
    ObjectType.INVOICE: "invoices",
}


def item_push(ctx: PushContext, item: WorkItem) -> Outcome:
    raw = snapshot_decode(item)
    if not raw or item.origin in ("resync", "replay"):
        # On demand and after a fix: push what Cliniko says now.
        raw = ctx.cliniko.get(RESOURCES[item.object_type], item.cliniko_id).raw
    ctx.force = item.origin == "resync"
    try:
        return HANDLERS[item.object_type](ctx, raw, look_first=item.look_first)
    finally:
        ctx.force = False
