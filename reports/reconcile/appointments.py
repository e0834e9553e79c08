"""Appointments ↔ Fergus calendar events: missing, gone, time/assignee drift, double bookings.

Cliniko appointments are streamed and mapped first, keeping only
event id → (appointment id, start, end, user) for linked ones. Fergus events are
then read month by month over the appointments' span (every event, including
those the sync did not create) for the drift and double-booking checks; linked
events not seen in any month are re-read one by one before being called gone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from reports.reconcile.common import Recon, epoch, not_found
from sync.clients.cliniko_types import when
from sync.models import CrossReference
from sync.models.work import ObjectType
from sync.push.base import link_id

APPOINTMENT = ObjectType.APPOINTMENT
Expected = tuple[str, int, int, int]  # appointment id, start, end, Fergus user id (0: none)


def _context(r: Recon, raw: dict, link: Any) -> dict:
    refs = r.references
    practitioner_id = link_id(raw, "practitioner")
    business = refs.business(link_id(raw, "business"))
    context: dict[str, Any] = {
        "practitioner": refs.practitioner(practitioner_id),
        "practitioner_user": refs.practitioner_user(practitioner_id),
        "appointment_type": refs.appointment_type(link_id(raw, "appointment_type")),
        "business": business, "time_zone": refs.time_zone(business),
        "fergus_user_id": refs.fergus_user_for_practitioner(practitioner_id),
    }
    if link is not None and link.extra.get("times"):
        context["previous"] = link.extra["times"]
    return context


def check_appointments(r: Recon) -> None:
    expected: dict[int, Expected] = {}
    span: list[datetime] = []
    for page in r.cliniko.iter_pages("individual_appointments", include_archived=True,
                                     include_cancelled=True):
        ids = [str(rec.id) for rec in page.items]
        links, states = r.links(APPOINTMENT, ids), r.item_states(APPOINTMENT, ids)
        r.count("appointments", len(ids))
        for rec in page.items:
            cid, raw = str(rec.id), rec.raw
            link = links.get(cid)
            context = _context(r, raw, link)
            if r.filtered_out("appointment_event", raw, context):
                continue
            mapped = r.map("appointment_event", raw, context)
            action = mapped.meta.get("action") or "create"
            if not mapped.ok or action in ("delete", "skip"):
                continue
            start, end = when(mapped.payload.get("startTime")), when(mapped.payload.get("endTime"))
            if link is None or not link.fergus_id or link.state == CrossReference.State.DELETED:
                r.missing_unless_explained(APPOINTMENT, cid, states)
                continue
            if link.state != CrossReference.State.LINKED:
                continue
            expected[int(link.fergus_id)] = (cid, epoch(start), epoch(end),
                                             int(mapped.payload.get("userId") or 0))
            if start:
                span = [min(span[0], start), max(span[1], start)] if span else [start, start]
    _events(r, expected, span)


def _months(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _events(r: Recon, expected: dict[int, Expected], span: list[datetime]) -> None:
    zone = r.connection.zone
    by_user: dict[int, list[tuple[int, int, int]]] = {}
    seen: set[int] = set()
    if span:
        first = span[0].astimezone(zone).date() - timedelta(days=1)
        last = span[1].astimezone(zone).date() + timedelta(days=1)
        for month in _months(first, last):
            for event in r.fergus.events(month, zone, range="MONTH"):
                if event.id in seen:
                    continue
                seen.add(event.id)
                if event.user_id and event.raw.get("isActive", True):
                    by_user.setdefault(int(event.user_id), []).append(
                        (epoch(event.start), epoch(event.end), event.id))
                if event.id in expected:
                    _compare(r, event, expected.pop(event.id))
    r.count("fergus_events", len(seen))
    for event_id, wanted in expected.items():  # outside every window read: look it up
        try:
            event = r.fergus.event(event_id)
        except Exception as exc:
            if not not_found(exc):
                raise
            r.recorder.found("fergus_record_gone", APPOINTMENT, cliniko_id=wanted[0],
                             fergus_id=event_id)
            continue
        _compare(r, event, wanted)
    _double_bookings(r, by_user)


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat() if ts else ""


def _compare(r: Recon, event: Any, wanted: Expected) -> None:
    cid, start, end, user = wanted
    actual = (epoch(event.start), epoch(event.end), int(event.user_id or 0))
    for name, mine, theirs, show in (("startTime", start, actual[0], _iso),
                                     ("endTime", end, actual[1], _iso),
                                     ("userId", user, actual[2], str)):
        if mine != theirs:
            r.recorder.found("appointment_drift", APPOINTMENT, cliniko_id=cid,
                             fergus_id=event.id, field=name, values=(show(mine), show(theirs)))


def _double_bookings(r: Recon, by_user: dict[int, list[tuple[int, int, int]]]) -> None:
    from sync.models import CrossReference as X

    for user_id, events in by_user.items():
        events.sort()
        latest: tuple[int, int, int] | None = None  # the event ending last so far
        for event in events:
            if latest is not None and event[0] < latest[1]:
                a, b = sorted((latest[2], event[2]))
                linked = dict(X.objects.filter(
                    connection=r.connection, object_type=APPOINTMENT, fergus_id__in=[a, b],
                ).values_list("fergus_id", "cliniko_id"))
                cid = linked.get(a) or linked.get(b) or ""
                r.recorder.found("double_booking", APPOINTMENT if cid else "calendar_event",
                                 key=f"double_booking:{a}:{b}", cliniko_id=cid,
                                 fergus_id=a if linked.get(a) or not cid else b,
                                 detail={"user_id": user_id, "event_ids": [a, b]})
            if latest is None or event[1] > latest[1]:
                latest = event
