"""Calendar events, notes and customer invoices (reference §7.7, §7.8, §7.11)."""

from __future__ import annotations

import calendar as cal
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Max
from django.http import HttpResponse

from sandbox.fergus import models as m
from sandbox.fergus import render as r
from sandbox.fergus.http import (
    bad,
    not_found,
    one,
    qbool,
    render,
    require,
    require_text,
    sw,
    unpaged,
)
from sandbox.fergus.views_people import Ctx, sorted_by

UTC_MESSAGE = "Must be a valid ISO 8601 date format in UTC"
RANGES = ("DAY", "THREE_DAY", "WEEK", "FORTNIGHT", "MONTH")


def grid_time(b: dict, prop: str) -> datetime:
    """UTC, on the 15-minute grid, else the documented 400 (§7.7)."""
    require(b, prop)
    raw = b[prop]
    try:
        value = datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise bad(f"The {prop} {UTC_MESSAGE}") from exc
    if value.tzinfo is None or value.utcoffset() != timedelta(0):
        raise bad(f"The {prop} {UTC_MESSAGE}")
    if value.minute % 15 or value.second or value.microsecond:
        raise bad(f"The {prop} must be in 15 minute intervals. {UTC_MESSAGE}")
    return value.astimezone(UTC)


def _span(b: dict) -> tuple[datetime, datetime]:
    start, end = grid_time(b, "startTime"), grid_time(b, "endTime")
    if end <= start:
        raise bad("The endTime must be after the startTime")
    return start, end


def _user_id(ctx: Ctx, value: Any) -> int | None:
    if value in (None, ""):
        return None
    if not m.User.objects.filter(company=ctx.company, pk=value).exists():
        raise bad("The userId does not exist")
    return int(value)


def _event(ctx: Ctx, event_id: int) -> m.CalendarEvent:
    e = m.CalendarEvent.objects.select_related("user").filter(
        company=ctx.company, pk=event_id).first()
    if e is None:
        raise not_found("Calendar event")
    return e


def events_create(ctx: Ctx) -> HttpResponse:
    b = ctx.data()
    title = require_text(b, "eventTitle")
    require(b, "eventType")
    if b["eventType"] not in m.CalendarEvent.EVENT_TYPES:
        raise bad("The eventType must be one of 'JOB_PHASE', 'QUOTE', 'ESTIMATE', or 'OTHER'")
    start, end = _span(b)
    job_id = phase_id = None
    if b["eventType"] in ("QUOTE", "ESTIMATE"):
        require(b, "jobId")
        job = m.Job.objects.filter(company=ctx.company, pk=b["jobId"]).first()
        if job is None:
            raise bad("The jobId does not exist")
        job_id = job.pk
    elif b["eventType"] == "JOB_PHASE":
        require(b, "jobPhaseId")
        phase = m.Phase.objects.filter(job__company=ctx.company, pk=b["jobPhaseId"]).first()
        if phase is None:
            raise bad("The jobPhaseId does not exist")
        phase_id, job_id = phase.pk, phase.job_id  # jobId derived from the phase
    users = [_user_id(ctx, b.get("userId"))]
    linked = b.get("linkedUserIds") or []
    if linked:
        users = [_user_id(ctx, u) for u in linked]
    group = None
    if len(users) > 1:
        group = (m.CalendarEvent.objects.aggregate(g=Max("group_id"))["g"] or 0) + 1
    recurrence = None
    if b.get("frequency") not in (None, "NEVER"):
        recurrence = {"startDate": start.date().isoformat(), "endDate": b.get("repeatEndDate"),
                      "rRule": f"FREQ={b['frequency']};INTERVAL={int(b.get('interval') or 1)}",
                      "text": f"every {b.get('interval') or 1} {b['frequency'].lower()}"}
    created = [
        m.CalendarEvent.objects.create(
            company=ctx.company, user_id=u, group_id=group, title=title,
            description=str(b.get("description") or ""), event_type=b["eventType"],
            job_id=job_id, job_phase_id=phase_id, start_time=start, end_time=end,
            recurrence=recurrence,
        )
        for u in users
    ]
    return ctx.created(r.event(_event(ctx, created[0].pk)))


def events_get(ctx: Ctx, event_id: int) -> HttpResponse:
    return one(r.event(_event(ctx, event_id)))


def events_update(ctx: Ctx, event_id: int) -> HttpResponse:
    e = _event(ctx, event_id)
    b = ctx.data()
    title = require_text(b, "eventTitle")
    start, end = _span(b)
    if e.recurrence:
        require(b, "updateAllRecurring")
    targets = [e]
    if e.group_id is not None:
        require(b, "updateAllGrouped")
        if b["updateAllGrouped"] == "TRUE":
            targets = list(m.CalendarEvent.objects.filter(company=ctx.company,
                                                          group_id=e.group_id))
    for t in targets:
        t.title, t.start_time, t.end_time = title, start, end
        if "description" in b:
            t.description = str(b["description"] or "")
        if "userId" in b and t.pk == e.pk:
            t.user_id = _user_id(ctx, b["userId"])
        t.save()
    return one(r.event(_event(ctx, e.pk)))


def events_delete(ctx: Ctx, event_id: int) -> HttpResponse:
    e = _event(ctx, event_id)
    b = ctx.body
    if b is None and sw(ctx.cid, "calendar_delete_requires_body", False):
        raise bad("Validation Failed: [<body>: must be object].")
    b = b or {}
    if e.group_id is not None and b.get("deleteAllGrouped") == "TRUE":
        m.CalendarEvent.objects.filter(company=ctx.company, group_id=e.group_id).delete()
    else:
        e.delete()
    return render(204, None)


def window(raw: str | None, rng: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The listing window: local day boundaries in the offset the caller sent (§7.7)."""
    if not raw:
        start = datetime.now(zone)
    else:
        try:
            # A '+' sent unencoded in a query string arrives as a space.
            start = datetime.fromisoformat(raw.strip().replace(" ", "+", 1)
                                           if "T" in raw else raw.strip())
        except ValueError as exc:
            raise bad("Validation Failed: [<querystring>/filterDateFrom: must match format "
                      "\"date-time\"].") from exc
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)  # without an offset the value is UTC (§9)
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    if rng == "DAY":
        return day, day + timedelta(days=1)
    if rng == "THREE_DAY":
        return day, day + timedelta(days=3)
    monday = day - timedelta(days=day.weekday())
    if rng == "WEEK":
        return monday, monday + timedelta(days=7)
    if rng == "FORTNIGHT":
        return monday, monday + timedelta(days=14)
    first = day.replace(day=1)
    days = cal.monthrange(first.year, first.month)[1]
    return first, first + timedelta(days=days)


def events_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    rng = g.get("filterCalendarRange", "WEEK")
    if rng not in RANGES:
        raise bad("Validation Failed: [<querystring>/filterCalendarRange: must be equal to one "
                  "of the allowed values].")
    lo, hi = window(g.get("filterDateFrom"), rng, ZoneInfo(ctx.company.timezone))
    # filterDateTo is ignored, as the real API does (§7.7).
    qs = m.CalendarEvent.objects.select_related("user").filter(
        company=ctx.company, start_time__lt=hi, end_time__gt=lo)
    if v := g.get("filterUserId"):
        qs = qs.filter(user_id=v)
    if v := g.get("filterCalendarEventType"):
        qs = qs.filter(event_type=v)
    if v := g.get("filterJobId"):
        qs = qs.filter(job_id=v)
    if v := g.get("filterJobPhaseId"):
        qs = qs.filter(job_phase_id=v)
    if qbool(g.get("filterJobEventsOnly")):
        qs = qs.filter(job__isnull=False)
    if qbool(g.get("filterNonJobEventsOnly")):
        qs = qs.filter(job__isnull=True)
    if qbool(g.get("filterUnassignedEventsOnly")):
        qs = qs.filter(user__isnull=True)
    if qbool(g.get("filterActiveOnly")):
        qs = qs.filter(is_active=True)
    qs = qs.order_by("start_time", "id")
    if sw(ctx.cid, "calendar_list_pagination", False):
        return ctx.list(qs, r.event)
    return render(200, unpaged([r.event(e) for e in qs], f"/{ctx.path}"))


# --- notes -----------------------------------------------------------------------

def _entity_name(value: Any) -> str:
    if value not in m.Note.ENTITY_NAMES:
        raise bad("Validation Failed: [<body>/entityName: must be equal to one of the allowed "
                  "values].")
    return value


def notes_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    qs = m.Note.objects.filter(company=ctx.company)
    if v := g.get("filterEntityName"):
        qs = qs.filter(entity_name=v)
    if v := g.get("filterEntityId"):
        qs = qs.filter(entity_id=v)
    if v := g.get("filterCreatedById"):
        qs = qs.filter(created_by_id=v)
    qs = sorted_by(ctx, qs, {"created_at": "created_at"})  # snake_case, the only one (§5)
    return ctx.list(qs, r.note)


def notes_create(ctx: Ctx) -> HttpResponse:
    b = ctx.data()
    require(b, "entityName")
    require(b, "entityId")
    name = _entity_name(b["entityName"])
    pinned = bool(b.get("isPinned"))
    if not pinned:
        require_text(b, "text")
    n = m.Note.objects.create(
        company=ctx.company, entity_name=name, entity_id=int(b["entityId"]),
        # Sending isPinned on create drops the text (§7.11).
        text="" if pinned else str(b["text"]), is_pinned=pinned,
        created_by=ctx.user, parent_id=b.get("parentId"),
    )
    return ctx.created(r.note(n))


def notes_patch(ctx: Ctx, note_id: int) -> HttpResponse:
    n = m.Note.objects.filter(company=ctx.company, pk=note_id).first()
    if n is None:
        raise not_found("Note")
    b = ctx.data()
    if "text" in b:
        n.text = str(b["text"] or "")
    if "isPinned" in b:
        n.is_pinned = bool(b["isPinned"])
    n.save()
    return one(r.note(n))


# --- customer invoices (read-only) ------------------------------------------------

def _date_param(raw: str, name: str) -> datetime:
    try:
        value = datetime.fromisoformat(raw.replace(" ", "+"))
    except ValueError as exc:
        raise bad(f"Validation Failed: [<querystring>/{name}: must match format "
                  "\"date-time\"].") from exc
    if isinstance(value, date) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def invoices_list(ctx: Ctx) -> HttpResponse:
    g = ctx.request.GET
    qs = m.Invoice.objects.filter(company=ctx.company)
    if v := g.get("customerId"):
        qs = qs.filter(customer_id=v)
    if v := g.get("jobId"):
        qs = qs.filter(job_id=v)
    if v := g.get("invoiceNumber"):
        qs = qs.filter(invoice_number__icontains=v)
    if v := g.get("dueBefore"):
        qs = qs.filter(due_date__lt=_date_param(v, "dueBefore"))
    if v := g.get("dueAfter"):
        qs = qs.filter(due_date__gt=_date_param(v, "dueAfter"))
    qs = sorted_by(ctx, qs, {"id": "id", "createdAt": "created_at", "dueDate": "due_date"})
    return ctx.list(qs, r.invoice)


def invoices_get(ctx: Ctx, invoice_id: int) -> HttpResponse:
    i = m.Invoice.objects.select_related("customer").filter(
        company=ctx.company, pk=invoice_id).first()
    if i is None:
        raise not_found("Customer invoice")
    return one(r.invoice_detail(i))
