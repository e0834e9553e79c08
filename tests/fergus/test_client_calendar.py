"""Calendar events: UTC on the 15-minute grid, update by POST, lists with the local offset."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import responses

from sync.clients.fergus_time import local_midnight_iso, snap_span
from tests.fergus.helpers import add, client, sent_json

SYD = ZoneInfo("Australia/Sydney")


def test_it_snaps_start_down_and_end_up_in_utc():
    s, e = snap_span(datetime(2026, 3, 27, 9, 7, tzinfo=SYD),
                     datetime(2026, 3, 27, 9, 37, tzinfo=SYD))
    assert (s, e) == (datetime(2026, 3, 26, 22, 0, tzinfo=UTC),
                      datetime(2026, 3, 26, 22, 45, tzinfo=UTC))


def test_it_keeps_times_already_on_the_grid():
    s, e = snap_span(datetime(2026, 3, 27, 9, 0, tzinfo=SYD),
                     datetime(2026, 3, 27, 9, 30, tzinfo=SYD))
    assert e - s == timedelta(minutes=30)
    assert s.minute == 0 and e.minute == 30


def test_it_never_snaps_to_zero_length():
    t = datetime(2026, 3, 27, 9, 0, tzinfo=SYD)
    s, e = snap_span(t, t)
    assert e - s == timedelta(minutes=15)


def test_it_snaps_across_the_end_of_daylight_saving():
    # 2026-04-05 03:00 AEDT falls back to 02:00 AEST; 02:40 happens twice.
    first = datetime(2026, 4, 5, 2, 40, tzinfo=SYD, fold=0)   # +11:00
    second = datetime(2026, 4, 5, 2, 40, tzinfo=SYD, fold=1)  # +10:00
    assert snap_span(first, first + timedelta(minutes=10))[0] == datetime(
        2026, 4, 4, 15, 30, tzinfo=UTC)
    assert snap_span(second, second + timedelta(minutes=10))[0] == datetime(
        2026, 4, 4, 16, 30, tzinfo=UTC)


def test_it_snaps_across_the_start_of_daylight_saving():
    # 2026-10-04 02:00 AEST jumps to 03:00 AEDT: a 01:50-03:10 local booking is 20 real minutes.
    s, e = snap_span(datetime(2026, 10, 4, 1, 50, tzinfo=SYD),
                     datetime(2026, 10, 4, 3, 10, tzinfo=SYD))
    assert (s, e) == (datetime(2026, 10, 3, 15, 45, tzinfo=UTC),
                      datetime(2026, 10, 3, 16, 15, tzinfo=UTC))


def test_it_refuses_naive_datetimes():
    with pytest.raises(ValueError, match="aware"):
        snap_span(datetime(2026, 3, 27, 9), datetime(2026, 3, 27, 10))


def test_it_lists_from_local_midnight_with_the_offset_of_that_day():
    assert local_midnight_iso(date(2026, 3, 27), SYD) == "2026-03-27T00:00:00+11:00"
    assert local_midnight_iso(date(2026, 6, 1), SYD) == "2026-06-01T00:00:00+10:00"


@responses.activate
def test_it_creates_events_with_event_title_and_grid_times():
    add("POST", "/calendarEvents", "event_created", status=201)
    ev = client().event_create("Appointment", datetime(2026, 3, 27, 9, 7, tzinfo=SYD),
                               datetime(2026, 3, 27, 9, 37, tzinfo=SYD), user_id=1,
                               description="09:07-09:37 local")
    assert sent_json() == {"eventTitle": "Appointment", "eventType": "OTHER",
                           "startTime": "2026-03-26T22:00:00.000Z",
                           "endTime": "2026-03-26T22:45:00.000Z", "userId": 1,
                           "description": "09:07-09:37 local"}
    assert ev.title == "Appointment"
    assert ev.start == datetime(2026, 3, 26, 22, 0, tzinfo=UTC)


def test_it_refuses_a_job_event_type():
    with pytest.raises(ValueError):
        client().event_create("x", datetime(2026, 1, 1, tzinfo=UTC),
                              datetime(2026, 1, 1, 1, tzinfo=UTC), event_type="JOB")


@responses.activate
def test_it_updates_events_with_post():
    add("POST", "/calendarEvents/1", "event_updated")
    ev = client().event_update(1, "Appointment (moved)", datetime(2026, 3, 27, 10, tzinfo=SYD),
                               datetime(2026, 3, 27, 10, 40, tzinfo=SYD))
    assert responses.calls[0].request.method == "POST"
    assert sent_json() == {"eventTitle": "Appointment (moved)",
                           "startTime": "2026-03-26T23:00:00.000Z",
                           "endTime": "2026-03-26T23:45:00.000Z"}
    assert ev.title == "Appointment (moved)"


@responses.activate
def test_it_lists_a_week_with_the_company_offset():
    add("GET", "/calendarEvents", "events_week")
    events = client().events(date(2026, 3, 27), SYD, "WEEK", user_id=1)
    url = responses.calls[0].request.url
    assert "filterDateFrom=2026-03-27T00%3A00%3A00%2B11%3A00" in url
    assert "filterCalendarRange=WEEK" in url and "filterUserId=1" in url
    assert [e.title for e in events] == ["Appointment"]


def test_it_refuses_unknown_ranges():
    with pytest.raises(ValueError):
        client().events(date(2026, 3, 27), SYD, "YEAR")
