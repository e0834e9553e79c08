"""The client against the simulator over real HTTP, with each quirk switched on."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox.faults import faults_set
from sync.clients.base import ApiError, ErrorKind
from sync.clients.fergus import FergusClient
from tests.fergus.conftest import SIM_APPS
from tests.fergus.sim_data import customer

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)
SYD = ZoneInfo("Australia/Sydney")


def _client(sim, token=None, **kw):
    return FergusClient(token or sim.token, base_url=sim.base, **kw)


@pytest.mark.parametrize("switches", [
    {}, {"cursor_mode": "offset"}, {"duplicate_cursor_in_links": True},
    {"duplicate_cursor_in_links": True, "cursor_mode": "offset"},
])
def test_it_reads_every_page_in_every_cursor_mode(sim, switches):
    sim.switch(**switches)
    c = _client(sim)
    for n in range(7):
        c.customer_create(customer(n))
    assert len(list(c.customers(page_size=3))) == 7


def test_it_finds_by_email_when_the_search_is_ignored(sim):
    sim.switch(customer_search_flaky=True)
    c = _client(sim)
    for n in range(5):
        c.customer_create(customer(n))
    found = c.customer_find_by_email("P3@patients.example")
    assert found is not None and found.full_name == "Patient 3"
    assert c.customer_find_by_email("3@patients.example") is None


def test_it_reads_a_duplicate_create_as_existing(sim):
    c = _client(sim)
    first = c.customer_create(customer())
    again = c.customer_create(customer())
    assert again.id == first.id and not again.created


def test_it_unwraps_bare_create_answers(sim):
    sim.switch(create_returns_bare_object=True)
    result = _client(sim).customer_create(customer())
    assert result.created and result.id > 0


def test_it_classifies_validation_answered_as_500(sim):
    sim.switch(validation_as_500=True)
    with pytest.raises(ApiError) as info:
        _client(sim).job_create("Quote", "x", customer_id=999, site_id=999)
    assert info.value.kind == ErrorKind.VALIDATION and info.value.status == 500


def test_it_classifies_an_html_403(sim):
    sim.switch(forbidden_body_html=True)
    cid = _client(sim).customer_create(customer()).id
    with pytest.raises(ApiError) as info:
        _client(sim, sim.user_tokens["sam.smith@clinic.example"]).customer_delete(cid)
    assert info.value.kind == ErrorKind.FORBIDDEN


def test_it_deletes_events_without_a_content_type_even_when_the_sim_rejects_it(sim):
    c = _client(sim)
    ev = c.event_create("A", datetime(2026, 3, 27, 9, 5, tzinfo=SYD),
                        datetime(2026, 3, 27, 9, 50, tzinfo=SYD))
    c.event_delete(ev.id)
    assert c.events(date(2026, 3, 27), SYD, "DAY") == []


def test_it_times_out_on_a_late_commit_while_the_record_exists(sim):
    import time

    faults_set(sim.scope, late_commit_rate=1.0, late_commit_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(ApiError) as info:
        _client(sim, timeout=0.3).customer_create(customer())
    assert info.value.kind == ErrorKind.TIMEOUT
    faults_set(sim.scope, late_commit_rate=0.0)
    assert _client(sim).customer_find_by_email("p1@patients.example") is not None
    time.sleep(max(0.0, 1.2 - (time.monotonic() - started)))


def test_it_reports_credentials_of_a_field_user(sim):
    report = _client(sim, sim.user_tokens["sam.smith@clinic.example"]).test_credentials()
    assert report.ok and report.is_owner is False
    assert report.time_zone == "Australia/Sydney"


def test_it_reports_an_invalid_token(sim):
    report = _client(sim, "fergPAT_not-a-token").test_credentials()
    assert not report.ok and report.error_kind == ErrorKind.AUTH


def test_it_lists_events_with_the_company_offset_across_dst(sim):
    c = _client(sim)
    # Monday 6 April 2026 09:00 AEST (+10:00), the day after daylight saving ends.
    ev = c.event_create("After DST", datetime(2026, 4, 6, 9, 0, tzinfo=SYD),
                        datetime(2026, 4, 6, 9, 30, tzinfo=SYD))
    assert [e.id for e in c.events(date(2026, 4, 6), SYD, "DAY")] == [ev.id]
    assert c.events(date(2026, 4, 5), SYD, "DAY") == []
