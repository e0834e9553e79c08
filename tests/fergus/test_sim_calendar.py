"""Simulator calendar events (reference §7.7)."""

from __future__ import annotations

import pytest

from tests.fergus.conftest import SIM_APPS
from tests.fergus.sim_data import make_job

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)


def _event(sim, start="2026-03-26T22:00:00Z", end="2026-03-26T22:45:00Z", **extra):
    body = {"eventTitle": "Appt", "eventType": "OTHER", "startTime": start, "endTime": end,
            **extra}
    return sim.call("POST", "/calendarEvents", json=body)


def _me(sim):
    return sim.call("GET", "/users/me").json()["data"]


def _titles(sim, **params):
    return [e["title"] for e in sim.call("GET", "/calendarEvents", params=params).json()["data"]]


def test_it_creates_with_event_title_and_reads_title(sim):
    r = _event(sim, userId=_me(sim)["id"])
    assert r.status_code == 201
    data = r.json()["data"]
    assert data["title"] == "Appt" and "eventTitle" not in data
    assert data["startTime"] == "2026-03-26T22:00:00Z"
    assert data["userName"] == "Olivia Owner"


def test_it_rejects_times_off_the_grid_or_not_in_utc(sim):
    for start in ("2026-03-26T22:07:00Z", "2026-03-27T09:00:00+11:00", "2026-03-26T22:00:00",
                  "tomorrow"):
        r = _event(sim, start=start)
        assert r.status_code == 400, start
        assert "Must be a valid ISO 8601 date format in UTC" in r.json()["message"]


def test_it_rejects_an_unknown_event_type_such_as_job(sim):
    r = _event(sim, eventType="JOB")
    assert r.status_code == 400 and "eventType" in r.json()["message"]


def test_quote_events_need_a_job_and_phase_events_a_phase(sim):
    assert _event(sim, eventType="QUOTE").status_code == 400
    assert _event(sim, eventType="JOB_PHASE").status_code == 400
    job = make_job(sim)
    phase = sim.call("POST", f"/jobs/{job['id']}/phases",
                     json={"title": "P", "description": "d"}).json()["data"]
    data = _event(sim, eventType="JOB_PHASE", jobPhaseId=phase["id"]).json()["data"]
    assert data["jobId"] == job["id"]  # derived from the phase


def test_linked_users_get_one_event_each_sharing_a_group(sim):
    users = [u["id"] for u in sim.call("GET", "/users").json()["data"]][:2]
    data = _event(sim, linkedUserIds=users).json()["data"]
    assert data["groupId"] is not None
    listed = sim.call("GET", "/calendarEvents",
                      params={"filterDateFrom": "2026-03-27T00:00:00+11:00"}).json()["data"]
    assert sorted(e["userId"] for e in listed) == sorted(users)
    r = sim.call("POST", f"/calendarEvents/{data['id']}", json={
        "eventTitle": "Moved", "startTime": "2026-03-26T23:00:00Z",
        "endTime": "2026-03-26T23:30:00Z"})
    assert r.status_code == 400 and "updateAllGrouped" in r.json()["message"]


def test_update_is_a_post_to_the_event(sim):
    eid = _event(sim).json()["data"]["id"]
    r = sim.call("POST", f"/calendarEvents/{eid}", json={
        "eventTitle": "Moved", "startTime": "2026-03-26T23:00:00Z",
        "endTime": "2026-03-26T23:30:00Z"})
    assert r.status_code == 200 and r.json()["data"]["title"] == "Moved"
    assert sim.call("PUT", f"/calendarEvents/{eid}", json={}).status_code == 404
    r = sim.call("POST", f"/calendarEvents/{eid}", json={"eventTitle": "X"})
    assert r.status_code == 400 and "startTime" in r.json()["message"]


def test_delete_takes_an_optional_body(sim):
    a = _event(sim).json()["data"]["id"]
    b = _event(sim).json()["data"]["id"]
    assert sim.call("DELETE", f"/calendarEvents/{a}").status_code == 204
    assert sim.call("DELETE", f"/calendarEvents/{b}",
                    json={"deleteAllRecurring": "FALSE"}).status_code == 204
    assert sim.call("GET", f"/calendarEvents/{a}").status_code == 404


def test_switch_calendar_delete_requires_body(sim):
    sim.switch(calendar_delete_requires_body=True)
    eid = _event(sim).json()["data"]["id"]
    assert sim.call("DELETE", f"/calendarEvents/{eid}").status_code == 400
    assert sim.call("DELETE", f"/calendarEvents/{eid}", json={}).status_code == 204


def test_list_uses_local_day_boundaries_from_the_offset(sim):
    _event(sim)  # 09:00-09:45 on 27 March in Sydney, 22:00 on 26 March in UTC
    assert _titles(sim, filterDateFrom="2026-03-27T00:00:00+11:00",
                   filterCalendarRange="DAY") == ["Appt"]
    assert _titles(sim, filterDateFrom="2026-03-27T00:00:00Z",
                   filterCalendarRange="DAY") == []  # no offset: the UTC day


def test_list_ranges_and_monday_weeks(sim):
    _event(sim, start="2026-03-22T22:00:00Z", end="2026-03-22T23:00:00Z")  # Mon 23 Mar local
    _event(sim, start="2026-03-29T22:00:00Z", end="2026-03-29T23:00:00Z")  # Mon 30 Mar local
    _event(sim, start="2026-04-05T22:00:00Z", end="2026-04-05T23:00:00Z")  # Mon 6 Apr local
    friday = "2026-03-27T00:00:00+11:00"

    def count(rng):
        return len(_titles(sim, filterDateFrom=friday, filterCalendarRange=rng))

    assert count("DAY") == 0
    assert count("THREE_DAY") == 0
    assert count("WEEK") == 1
    assert count("FORTNIGHT") == 2
    assert count("MONTH") == 2
    assert sim.call("GET", "/calendarEvents",
                    params={"filterCalendarRange": "YEAR"}).status_code == 400


def test_list_ignores_filter_date_to(sim):
    _event(sim)
    assert _titles(sim, filterDateFrom="2026-03-27T00:00:00+11:00",
                   filterDateTo="2026-03-26T00:00:00+11:00") == ["Appt"]


def test_list_filters_by_user_type_job_and_assignment(sim):
    me = _me(sim)["id"]
    _event(sim, userId=me)
    job = make_job(sim)
    _event(sim, eventType="QUOTE", jobId=job["id"], eventTitle="Quote visit")
    week = {"filterDateFrom": "2026-03-27T00:00:00+11:00"}
    assert _titles(sim, **week, filterUserId=me) == ["Appt"]
    assert _titles(sim, **week, filterCalendarEventType="QUOTE") == ["Quote visit"]
    assert _titles(sim, **week, filterJobId=job["id"]) == ["Quote visit"]
    assert _titles(sim, **week, filterJobEventsOnly="true") == ["Quote visit"]
    assert _titles(sim, **week, filterNonJobEventsOnly="true") == ["Appt"]
    assert _titles(sim, **week, filterUnassignedEventsOnly="true") == ["Quote visit"]
    assert len(_titles(sim, **week, filterActiveOnly="true")) == 2


def test_list_is_a_window_without_cursor_by_default(sim):
    for _ in range(12):
        _event(sim)
    body = sim.call("GET", "/calendarEvents", params={
        "filterDateFrom": "2026-03-27T00:00:00+11:00", "pageSize": 5}).json()
    assert len(body["data"]) == 12 and body["paging"]["links"]["next"] is None


def test_switch_calendar_list_pagination(sim):
    sim.switch(calendar_list_pagination=True)
    for _ in range(7):
        _event(sim)
    body = sim.call("GET", "/calendarEvents", params={
        "filterDateFrom": "2026-03-27T00:00:00+11:00", "pageSize": 5}).json()
    assert len(body["data"]) == 5 and body["paging"]["links"]["next"]
