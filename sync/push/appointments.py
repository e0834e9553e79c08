"""Individual appointment → Fergus calendar event (type OTHER)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sync.clients.base import ApiError, ErrorKind
from sync.models import CrossReference
from sync.models.work import ObjectType
from sync.push.base import Outcome, PushContext, Skip, link_id, payload_hash
from sync.push.patients import patient_customer_id

APPOINTMENT = ObjectType.APPOINTMENT
MARKER = "Cliniko appointment {id}"


def _parse(value: Any, what: str = "a calendar time") -> datetime:
    from sync.clients.cliniko_types import when

    parsed = when(value)
    if parsed is None:
        raise ApiError("mapping", ErrorKind.VALIDATION,
                       f"{what} is missing or not a date-time; check the mapping's time rules")
    return parsed


def _with_marker(description: str | None, cliniko_id: str) -> str:
    marker = MARKER.format(id=cliniko_id)
    description = description or ""
    return description if marker in description else f"{description}\n\n{marker}".strip()


def _find_by_marker(ctx: PushContext, cliniko_id: str, start: datetime,
                    user_id: int | None) -> int | None:
    """After a create that may have landed: look in that day's events for our marker."""
    marker = MARKER.format(id=cliniko_id)
    zone = ctx.connection.zone
    day = start.astimezone(zone).date()
    for event in ctx.fergus.events(day - timedelta(days=1), zone, range="THREE_DAY",
                                   user_id=user_id):
        if marker in (event.description or ""):
            return event.id
    return None


def appointment_push(ctx: PushContext, raw: dict, *, look_first: bool = False) -> Outcome:
    cliniko_id = str(raw["id"])
    refs = ctx.references
    patient_id = link_id(raw, "patient")
    practitioner_id = link_id(raw, "practitioner")
    business = refs.business(link_id(raw, "business"))
    practitioner = refs.practitioner(practitioner_id)
    context: dict[str, Any] = {
        "practitioner": practitioner,
        "practitioner_user": refs.practitioner_user(practitioner_id),
        "appointment_type": refs.appointment_type(link_id(raw, "appointment_type")),
        "business": business,
        "time_zone": refs.time_zone(business),
    }
    xref = ctx.xref(APPOINTMENT, cliniko_id)
    if xref is not None and xref.extra.get("times"):
        context["previous"] = xref.extra["times"]
    ctx.check_filters("appointment_event", raw, context)
    linked = xref is not None and xref.fergus_id and xref.state == CrossReference.State.LINKED
    ctx.check_hold("appointment_event", cliniko_id, is_new=not linked)

    user_id = refs.fergus_user_for_practitioner(practitioner_id)
    warnings = []
    if user_id is None:
        warnings.append(f"appointment {cliniko_id}: practitioner {practitioner_id} has no "
                        "Fergus user with the same e-mail; the event is unassigned")
    context["fergus_user_id"] = user_id
    if patient_id:
        try:
            context["fergus_customer_id"] = patient_customer_id(ctx, patient_id)
        except Skip as skip:
            warnings.append(f"appointment {cliniko_id}: its patient is not in Fergus "
                            f"({skip.reason})")

    mapped = ctx.map("appointment_event", APPOINTMENT, cliniko_id, raw, context)
    action = mapped.meta.get("action") or "create"
    payload = mapped.payload
    extra = dict(xref.extra) if xref else {}
    extra["times"] = {"starts_at": raw.get("starts_at"), "ends_at": raw.get("ends_at")}

    if action == "delete":
        if not linked:
            ctx.xref_save(APPOINTMENT, cliniko_id, fergus_kind="calendar_event", fergus_id=None,
                          extra=extra, state=CrossReference.State.DELETED)
            return Outcome("unchanged", None, warnings)
        try:
            ctx.fergus.event_delete(xref.fergus_id)
        except ApiError as exc:
            if exc.kind != ErrorKind.NOT_FOUND:
                raise  # already gone is what we wanted
        ctx.xref_save(APPOINTMENT, cliniko_id, fergus_kind="calendar_event",
                      fergus_id=xref.fergus_id, extra=extra, state=CrossReference.State.DELETED)
        return Outcome("deleted", xref.fergus_id, warnings)

    title = payload.get("eventTitle") or ""
    start, end = _parse(payload.get("startTime")), _parse(payload.get("endTime"))
    description = _with_marker(payload.get("description"), cliniko_id)
    digest = payload_hash({**payload, "description": description})
    event_id = xref.fergus_id if linked else None
    if event_id is None and (look_first or (xref is not None and xref.fergus_id)):
        event_id = _find_by_marker(ctx, cliniko_id, start, user_id)
    if event_id is not None:
        if linked and xref.payload_hash == digest and not ctx.force:
            return Outcome("unchanged", event_id, warnings)
        try:
            ctx.fergus.event_update(event_id, title, start, end, description=description,
                                    user_id=user_id)
            result_action = "updated"
        except ApiError as exc:
            if exc.kind != ErrorKind.NOT_FOUND:
                raise
            event_id = None  # deleted by hand in Fergus: create it again
    if event_id is None:
        event = ctx.fergus.event_create(title, start, end, event_type=payload.get("eventType")
                                        or "OTHER", user_id=user_id, description=description)
        event_id = event.id
        result_action = "created"
    ctx.xref_save(APPOINTMENT, cliniko_id, fergus_kind="calendar_event", fergus_id=event_id,
                  payload_hash=digest, extra=extra, state=CrossReference.State.LINKED,
                  source_updated_at=_parse(raw.get("updated_at")))
    return Outcome(result_action, event_id, warnings)
