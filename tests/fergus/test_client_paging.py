"""Pagination: follow paging.links.next; a repeated pageCursor means the last one."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from sync.clients.base import ApiError, ErrorKind
from tests.fergus.helpers import BASE, client, fixture


def _query(call_index: int) -> dict:
    return parse_qs(urlsplit(responses.calls[call_index].request.url).query)


@responses.activate
def test_it_follows_next_links_until_null():
    responses.add("GET", f"{BASE}/customers", json=fixture("customers_page1"))
    responses.add("GET", f"{BASE}/customers", json=fixture("customers_page2"))
    names = [c.full_name for c in client().customers(page_size=2)]
    assert names == ["Patient 1 Example", "Patient 2 Example", "Patient 3 Example"]
    assert _query(1)["pageCursor"] == ["2"]
    assert _query(1)["pageSize"] == ["2"]


@responses.activate
def test_it_takes_the_last_page_cursor_when_the_link_repeats_it():
    page1 = fixture("customers_dup_page1")
    assert page1["paging"]["links"]["next"].count("pageCursor") == 2
    responses.add("GET", f"{BASE}/customers", json=page1)
    responses.add("GET", f"{BASE}/customers", json=fixture("customers_dup_page2"))
    responses.add("GET", f"{BASE}/customers", json={
        "result": "success", "data": [], "paging": {"perPage": 1, "pageCount": 3, "links": {
            "self": "/customers", "previous": None, "next": None}}})
    list(client().customers(page_size=1))
    assert _query(1)["pageCursor"] == ["1"]
    assert _query(2)["pageCursor"] == ["2"]


@responses.activate
def test_it_stops_when_a_next_link_repeats_a_cursor():
    page = fixture("customers_page1")
    responses.add("GET", f"{BASE}/customers", json=page)
    responses.add("GET", f"{BASE}/customers", json=page)
    with pytest.raises(ApiError) as info:
        list(client().customers())
    assert info.value.kind == ErrorKind.MALFORMED


@responses.activate
def test_it_rejects_a_list_endpoint_that_answers_an_object():
    responses.add("GET", f"{BASE}/customers", json=fixture("customer"))
    with pytest.raises(ApiError) as info:
        list(client().customers())
    assert info.value.kind == ErrorKind.MALFORMED
