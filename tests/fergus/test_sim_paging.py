"""Simulator pagination: pageSize default 10, opaque cursors, next null on the last page."""

from __future__ import annotations

import pytest

from sandbox.fergus.models import Company, Customer
from tests.fergus.conftest import SIM_APPS

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)


def _customers(sim, n):
    company = Company.objects.get(pk=sim.company_id)
    Customer.objects.bulk_create(
        [Customer(company=company, full_name=f"C{i:02d}") for i in range(n)])


def _walk(sim, path):
    names, links = [], []
    while path:
        body = sim.call("GET", path).json()
        names += [c["customerFullName"] for c in body["data"]]
        links.append(body["paging"])
        path = body["paging"]["links"]["next"]
    return names, links


def test_it_pages_ten_at_a_time_by_default_with_a_keyset_cursor(sim):
    _customers(sim, 23)
    names, pages = _walk(sim, "/customers")
    assert len(names) == 23 and len(set(names)) == 23
    assert [p["perPage"] for p in pages] == [10, 10, 10]
    assert pages[0]["pageCount"] == 3
    assert pages[0]["links"]["previous"] is None
    assert pages[-1]["links"]["next"] is None
    first_id = Customer.objects.order_by("id")[9].pk
    assert pages[0]["links"]["next"] == f"/customers?pageCursor={first_id}"


def test_it_keeps_the_query_in_links(sim):
    _customers(sim, 3)
    body = sim.call("GET", "/customers", params={"pageSize": 2, "sortField": "name"}).json()
    assert body["paging"]["links"]["self"] == "/customers?pageSize=2&sortField=name"
    assert body["paging"]["links"]["next"].startswith("/customers?pageSize=2&sortField=name&")


def test_switch_cursor_mode_offset(sim):
    _customers(sim, 5)
    sim.switch(cursor_mode="offset")
    names, pages = _walk(sim, "/customers?pageSize=2")
    assert len(names) == 5
    assert pages[0]["links"]["next"] == "/customers?pageSize=2&pageCursor=2"
    assert pages[1]["links"]["next"] == "/customers?pageSize=2&pageCursor=4"


def test_switch_duplicate_cursor_in_links(sim):
    _customers(sim, 5)
    sim.switch(duplicate_cursor_in_links=True, cursor_mode="offset")
    body = sim.call("GET", "/customers", params={"pageSize": 2, "pageCursor": 2}).json()
    assert body["paging"]["links"]["self"] == "/customers?pageSize=2&pageCursor=2&pageCursor=2"
    assert body["paging"]["links"]["next"] == "/customers?pageSize=2&pageCursor=2&pageCursor=4"
    assert [c["customerFullName"] for c in body["data"]] == ["C02", "C03"]


def test_it_treats_the_last_of_repeated_cursors_as_the_cursor(sim):
    _customers(sim, 5)
    sim.switch(cursor_mode="offset")
    body = sim.call("GET", "/customers?pageSize=2&pageCursor=0&pageCursor=4").json()
    assert [c["customerFullName"] for c in body["data"]] == ["C04"]
