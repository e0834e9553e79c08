"""Fergus calendar time rules: UTC on a 15-minute grid; list windows carry the local offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

GRID = timedelta(minutes=15)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("calendar times must be timezone-aware")
    return value.astimezone(UTC)


def snap_down(value: datetime) -> datetime:
    v = _utc(value).replace(second=0, microsecond=0)
    return v - timedelta(minutes=v.minute % 15)


def snap_up(value: datetime) -> datetime:
    v = _utc(value)
    down = snap_down(v)
    return down if down == v else down + GRID


def snap_span(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """Start down, end up, never zero length: the event always covers the real appointment."""
    s, e = snap_down(start), snap_up(end)
    if e <= s:
        e = s + GRID
    return s, e


def utc_iso(value: datetime) -> str:
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def local_midnight_iso(day: date, tz: ZoneInfo) -> str:
    """`2026-03-27T00:00:00+11:00`: the offset makes Fergus use local day boundaries (§9)."""
    return datetime.combine(day, time(0, 0), tzinfo=tz).isoformat()
