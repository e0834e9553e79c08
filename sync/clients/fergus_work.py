"""Fergus jobs, phases, line items, calendar events and customer invoices (§7.5-§7.8)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sync.clients.fergus_time import local_midnight_iso, snap_span, utc_iso
from sync.clients.fergus_types import CalendarEvent, Invoice, Job, LineItem, Phase

JOB_TYPES = ("Quote", "Estimate", "Charge Up")
EVENT_TYPES = ("JOB_PHASE", "QUOTE", "ESTIMATE", "OTHER")
RANGES = ("DAY", "THREE_DAY", "WEEK", "FORTNIGHT", "MONTH")


def _num(value: Decimal | int | float) -> float | int:
    # JSON numbers; Decimal keeps the caller honest, float is what Fergus takes.
    return int(value) if isinstance(value, int) else float(Decimal(str(value)))


class WorkMixin:
    _request: Any
    _get: Any
    _paged: Any

    # --- jobs ------------------------------------------------------------------------

    def job_create(self, job_type: str, title: str, *, description: str = "",
                   customer_id: int | None = None, site_id: int | None = None,
                   customer_reference: str | None = None, draft: bool = False) -> Job:
        """Live jobs need description, customer and site; drafts only a title (§7.5).

        Keep the returned id: drafts may be invisible to GET until finalised."""
        if job_type not in JOB_TYPES:
            raise ValueError("jobType must be Quote, Estimate or Charge Up")
        body: dict[str, Any] = {"jobType": job_type, "title": title}
        if draft:
            body["isDraft"] = True
        elif customer_id is None or site_id is None:
            raise ValueError("a live job needs customer_id and site_id")
        if description or not draft:
            body["description"] = description
        for key, value in (("customerId", customer_id), ("siteId", site_id),
                           ("customerReference", customer_reference)):
            if value is not None:
                body[key] = value
        return Job.from_json(self._request("POST", "/jobs", json=body).data)

    def job(self, job_id: int) -> Job:
        return Job.from_json(self._get(f"/jobs/{job_id}"))

    def jobs(self, *, customer_id: int | None = None, site_id: int | None = None,
             job_type: str | None = None, status: str | None = None,
             search: str | None = None, include_on_hold: bool = False,
             include_archived: bool = False, sort: str | None = None,
             order: str | None = None, page_size: int = 100) -> Iterator[Job]:
        params = {
            "pageSize": page_size, "filterCustomerId": customer_id, "filterSiteId": site_id,
            "filterJobType": job_type, "filterJobStatus": status, "filterSearchText": search,
            "filterShowOnHold": "true" if include_on_hold else None,
            "filterShowArchived": "true" if include_archived else None,
            "sortField": sort, "sortOrder": order,
        }
        for item in self._paged("/jobs", params):
            yield Job.from_json(item)

    def job_update_draft(self, job_id: int, *, title: str, job_type: str,
                         **fields: Any) -> Job:
        """PUT works on drafts only and needs title + jobType every time."""
        body = {"title": title, "jobType": job_type,
                **{k: v for k, v in fields.items() if v is not None}}
        return Job.from_json(self._request("PUT", f"/jobs/{job_id}", json=body).data)

    def job_finalise(self, job_id: int) -> Job:
        # PUT, although the job's own link says POST (§3).
        return Job.from_json(self._request("PUT", f"/jobs/{job_id}/finalise").data)

    def job_hold(self, job_id: int, until: date, notes: str) -> None:
        self._request("POST", f"/jobs/{job_id}/hold",
                      json={"holdUntil": until.isoformat(), "notes": notes})

    def job_resume(self, job_id: int) -> None:
        self._request("POST", f"/jobs/{job_id}/resume")

    def job_find_by_reference(self, customer_id: int, reference: str) -> Job | None:
        """A job of the customer whose `customerReference` (if the API returns it) or title
        equals `reference`. Whether GET returns customerReference is unknown (§7.12), so
        callers should also keep a local mapping."""
        for job in self.jobs(customer_id=customer_id, include_on_hold=True,
                             include_archived=True):
            if job.customer_reference == reference or job.title == reference:
                return job
        return None

    # --- phases and line items -------------------------------------------------------

    def phase_create(self, job_id: int, title: str, description: str) -> Phase:
        return Phase.from_json(self._request("POST", f"/jobs/{job_id}/phases", json={
            "title": title, "description": description}).data)

    def phases(self, job_id: int) -> list[Phase]:
        return [Phase.from_json(p) for p in self._get(f"/jobs/{job_id}/phases")]

    def phase(self, job_id: int, phase_id: int) -> Phase:
        return Phase.from_json(self._get(f"/jobs/{job_id}/phases/{phase_id}"))

    def phase_update(self, job_id: int, phase_id: int, *, title: str | None = None,
                     description: str | None = None) -> Phase:
        body = {k: v for k, v in (("title", title), ("description", description)) if v}
        return Phase.from_json(self._request("PUT", f"/jobs/{job_id}/phases/{phase_id}",
                                             json=body).data)

    def phase_void(self, job_id: int, phase_id: int) -> None:
        self._request("POST", f"/jobs/{job_id}/phases/{phase_id}/void")

    def line_item_add(self, phase_id: int, description: str, price: Decimal,
                      quantity: Decimal = Decimal(1), *, is_labour: bool = False) -> LineItem:
        item = LineItem.from_json(self._request("POST", f"/phases/{phase_id}/stockOnHand", json={
            "itemDescription": description, "itemPrice": _num(price),
            "itemQuantity": _num(quantity), "isLabour": is_labour}).data)
        if is_labour and not item.is_labour:
            item = self.line_item_update(phase_id, item.id, isLabour=True)  # set by PATCH (§7.6)
        return item

    def line_items(self, phase_id: int) -> list[LineItem]:
        return [LineItem.from_json(i) for i in self._paged(f"/phases/{phase_id}/stockOnHand",
                                                           {"pageSize": 100})]

    def line_item_update(self, phase_id: int, item_id: int, **fields: Any) -> LineItem:
        body = {k: (_num(v) if isinstance(v, Decimal) else v) for k, v in fields.items()}
        return LineItem.from_json(self._request(
            "PATCH", f"/phases/{phase_id}/stockOnHand/{item_id}", json=body).data)

    def line_item_delete(self, phase_id: int, item_id: int) -> None:
        self._request("DELETE", f"/phases/{phase_id}/stockOnHand/{item_id}")

    # --- calendar events ---------------------------------------------------------------

    def event_create(self, title: str, start: datetime, end: datetime,
                     event_type: str = "OTHER", user_id: int | None = None,
                     description: str | None = None, *, job_id: int | None = None,
                     job_phase_id: int | None = None) -> CalendarEvent:
        """Aware datetimes → UTC, snapped to the 15-minute grid (start down, end up)."""
        if event_type not in EVENT_TYPES:
            raise ValueError("eventType must be JOB_PHASE, QUOTE, ESTIMATE or OTHER")
        s, e = snap_span(start, end)
        body: dict[str, Any] = {"eventTitle": title, "eventType": event_type,
                                "startTime": utc_iso(s), "endTime": utc_iso(e)}
        for key, value in (("userId", user_id), ("description", description),
                           ("jobId", job_id), ("jobPhaseId", job_phase_id)):
            if value is not None:
                body[key] = value
        return CalendarEvent.from_json(self._request("POST", "/calendarEvents", json=body).data)

    def event(self, event_id: int) -> CalendarEvent:
        return CalendarEvent.from_json(self._get(f"/calendarEvents/{event_id}"))

    def event_update(self, event_id: int, title: str, start: datetime, end: datetime, *,
                     description: str | None = None, user_id: int | None = None,
                     **flags: str) -> CalendarEvent:
        """Update is POST /calendarEvents/{id}; flags such as updateAllGrouped are the
        strings "TRUE"/"FALSE"."""
        s, e = snap_span(start, end)
        body: dict[str, Any] = {"eventTitle": title, "startTime": utc_iso(s),
                                "endTime": utc_iso(e), **flags}
        if description is not None:
            body["description"] = description
        if user_id is not None:
            body["userId"] = user_id
        return CalendarEvent.from_json(self._request("POST", f"/calendarEvents/{event_id}",
                                                     json=body).data)

    def event_delete(self, event_id: int, body: dict | None = None) -> None:
        # No body → no Content-Type (a bodiless JSON DELETE is a 400, §6).
        self._request("DELETE", f"/calendarEvents/{event_id}", json=body)

    def events(self, date_from: date, tz: ZoneInfo, range: str = "WEEK",  # noqa: A002
               user_id: int | None = None, *, event_type: str | None = None,
               job_id: int | None = None, job_phase_id: int | None = None,
               active_only: bool = False) -> list[CalendarEvent]:
        """Events in the window that contains `date_from` in the company's zone (§7.7)."""
        if range not in RANGES:
            raise ValueError(f"range must be one of {', '.join(RANGES)}")
        params = {
            "filterDateFrom": local_midnight_iso(date_from, tz), "filterCalendarRange": range,
            "filterUserId": user_id, "filterCalendarEventType": event_type,
            "filterJobId": job_id, "filterJobPhaseId": job_phase_id,
            "filterActiveOnly": "true" if active_only else None,
        }
        return [CalendarEvent.from_json(e) for e in self._paged("/calendarEvents", params)]

    # --- customer invoices (read-only) -------------------------------------------------

    def invoices(self, *, job_id: int | None = None, customer_id: int | None = None,
                 invoice_number: str | None = None, sort: str | None = None,
                 order: str | None = None) -> Iterator[Invoice]:
        params = {"pageSize": 100, "jobId": job_id, "customerId": customer_id,
                  "invoiceNumber": invoice_number, "sortField": sort, "sortOrder": order}
        for item in self._paged("/customerInvoices", params):
            yield Invoice.from_json(item)

    def invoice(self, invoice_id: int) -> Invoice:
        return Invoice.from_json(self._get(f"/customerInvoices/{invoice_id}"))
