"""Dates and times: Cliniko UTC ↔ the clinic's zone (zoneinfo), Fergus's 15-minute grid."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime, timedelta
from typing import Any

from mappings.transforms.base import ERROR, Call, Param, text_of, transform

GRID_MINUTES = 15


def parse_utc(value: Any) -> datetime | None:
    """An aware UTC datetime from Cliniko's ISO text ("…Z"); None when unreadable."""
    if isinstance(value, datetime):
        dt = value
    else:
        text = text_of(value)
        if not text:
            return None
        try:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)  # the Cliniko API only speaks UTC
    return dt.astimezone(UTC)


def snap(dt: datetime, minutes: int, direction: str) -> datetime:
    """Snap to the grid in UTC. Whole-hour and half-hour zone offsets (Adelaide +9:30)
    keep 15-minute marks on 15-minute marks, so snapping in UTC is snapping locally."""
    step = timedelta(minutes=minutes)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    floor = epoch + ((dt - epoch) // step) * step
    if direction == "up" and floor != dt:
        return floor + step
    return floor


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def zone_for(call: Call) -> zoneinfo.ZoneInfo:
    name = call.params.get("time_zone") or call.context.get("time_zone") or "UTC"
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        call.problem("time_zone", "is not an IANA time zone; UTC used", ERROR)
        return zoneinfo.ZoneInfo("UTC")


def grid_bounds(starts: datetime, ends: datetime | None, minutes: int) -> tuple[datetime, datetime]:
    """Start snapped down, end snapped up, never zero or negative length."""
    start = snap(starts, minutes, "down")
    end = snap(ends, minutes, "up") if ends is not None else start
    if end <= start:
        end = start + timedelta(minutes=minutes)
    return start, end


_GRID = {"minutes": Param(int, default=GRID_MINUTES, choices=(5, 10, 15, 30, 60))}


@transform("grid_start", "Source [starts_at] → UTC start snapped down to the grid.",
           _GRID, min_inputs=1, max_inputs=1)
def grid_start(call: Call) -> str | None:
    starts = parse_utc(call.input())
    if starts is None:
        if call.input() not in (None, ""):
            call.problem(call.source_name(), "is not an ISO 8601 date-time", ERROR)
        return None
    return iso_utc(snap(starts, call.params["minutes"], "down"))


@transform("grid_end",
           "Sources [ends_at, starts_at] → UTC end snapped up; never before or at the start.",
           _GRID, min_inputs=2, max_inputs=2)
def grid_end(call: Call) -> str | None:
    starts = parse_utc(call.input(1))
    if starts is None:
        return None
    ends = parse_utc(call.input(0))
    if ends is None and call.input(0) not in (None, ""):
        call.problem(call.source_name(0), "is not an ISO 8601 date-time", ERROR)
    return iso_utc(grid_bounds(starts, ends, call.params["minutes"])[1])


def _clock(dt: datetime) -> str:
    return dt.strftime("%I:%M %p").lstrip("0").lower()


def local_text(starts: datetime, ends: datetime | None, zone: zoneinfo.ZoneInfo, style: str) -> str:
    local = starts.astimezone(zone)
    day = f"{local:%a} {local.day} {local:%b %Y}"
    abbreviation = local.tzname() or ""
    if style == "date":
        return day
    if style == "time":
        return f"{_clock(local)} {abbreviation}".strip()
    if style == "range" and ends is not None:
        local_end = ends.astimezone(zone)
        end_text = _clock(local_end)
        if local_end.date() != local.date():
            end_text = f"{local_end:%a} {local_end.day} {local_end:%b} {end_text}"
        return f"{day}, {_clock(local)} – {end_text} {abbreviation}".strip()
    return f"{day}, {_clock(local)} {abbreviation}".strip()


@transform("local_time",
           "Sources [starts_at(, ends_at)] → readable local text in the clinic's zone, e.g. "
           "“Wed 3 Apr 2024, 10:00 am – 10:45 am AEDT”.",
           {"style": Param(str, default="datetime", choices=("datetime", "date", "time", "range")),
            "time_zone": Param(str, help="IANA zone; default: the context's time_zone.")},
           min_inputs=1, max_inputs=2)
def local_time(call: Call) -> str | None:
    starts = parse_utc(call.input(0))
    if starts is None:
        return None
    return local_text(starts, parse_utc(call.input(1)), zone_for(call), call.params["style"])


@transform("local_date", "Source date-time → the local calendar date (YYYY-MM-DD).",
           {"time_zone": Param(str)}, min_inputs=1, max_inputs=1)
def local_date(call: Call) -> str | None:
    dt = parse_utc(call.input())
    return dt.astimezone(zone_for(call)).date().isoformat() if dt else None
