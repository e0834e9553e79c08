"""Customers: 303 as "already exists", full-replace PUT, find by e-mail."""

from __future__ import annotations

import copy

import pytest
import responses

from tests.fergus.helpers import BASE, add, client, fixture, sent_json

PAYLOAD = {"customerFullName": "Patient 1 Example", "mainContact": {
    "firstName": "Patient", "contactItems": [
        {"contactType": "email", "contactValue": "one@patients.example"}]}}


@responses.activate
def test_it_returns_created_with_the_new_id_on_201():
    add("POST", "/customers", "customer_created", status=201)
    result = client().customer_create(PAYLOAD)
    assert (result.id, result.created) == (1, True)
    assert sent_json() == PAYLOAD


@responses.activate
def test_it_returns_already_exists_with_the_id_from_location_on_303():
    add("POST", "/customers", "customer_redirect", status=303)
    result = client().customer_create(PAYLOAD)
    assert (result.id, result.created) == (1, False)


@responses.activate
def test_it_reads_a_customer_with_contact_items_and_prefixed_address():
    add("GET", "/customers/1", "customer")
    customer = client().customer(1)
    assert customer.emails == ["one@patients.example"]
    assert customer.physical_address["addressCity"] == "Sydney"


@responses.activate
def test_it_reads_plain_address_names_as_prefixed_ones():
    body = fixture("customer")
    addr = body["data"]["physicalAddress"]
    addr["city"] = addr.pop("addressCity")
    addr["postalCode"] = addr.pop("addressPostcode")
    responses.add("GET", f"{BASE}/customers/1", json=body)
    customer = client().customer(1)
    assert customer.physical_address["addressCity"] == "Sydney"
    assert customer.physical_address["addressPostcode"] == "2000"


def test_it_refuses_an_update_without_the_required_fields():
    with pytest.raises(ValueError, match="mainContact"):
        client().customer_update(1, {"customerFullName": "X"})
    with pytest.raises(ValueError, match="customerFullName"):
        client().customer_update(1, {"mainContact": {"firstName": "Y"}})


@responses.activate
def test_it_patches_by_reading_then_putting_the_full_body():
    add("GET", "/customers/1", "customer")
    updated = copy.deepcopy(fixture("customer"))
    updated["data"]["mainContact"]["lastName"] = "Changed"
    responses.add("PUT", f"{BASE}/customers/1", json=updated)
    result = client().customer_patch(1, {"mainContact": {"lastName": "Changed"}})
    body = sent_json()
    assert body["customerFullName"] == "Patient 1 Example"
    assert body["mainContact"]["firstName"] == "Patient"
    assert body["mainContact"]["lastName"] == "Changed"
    assert {"contactType": "email", "contactValue": "one@patients.example"} in \
        body["mainContact"]["contactItems"]
    assert body["physicalAddress"]["address1"] == "1 Harbour St"
    assert "id" not in body["physicalAddress"]
    assert result.main_contact["lastName"] == "Changed"


@responses.activate
def test_it_finds_a_customer_by_exact_case_insensitive_email():
    add("GET", "/customers", "customers_search_hit")
    found = client().customer_find_by_email("P2@Patients.Example")
    assert found is not None and found.id == 2
    assert "filterSearchText=P2%40Patients.Example" in responses.calls[0].request.url


@responses.activate
def test_it_ignores_substring_matches_when_finding_by_email():
    add("GET", "/customers", "customers_search_hit")
    add("GET", "/customers", "customers_page1")
    add("GET", "/customers", "customers_page2")
    assert client().customer_find_by_email("2@patients.example") is None
    assert len(responses.calls) == 3  # the search, then the full scan


@responses.activate
def test_it_checks_every_page_when_the_search_is_ignored():
    # The API answered the unfiltered list: the match is on page two.
    add("GET", "/customers", "customers_page1")
    add("GET", "/customers", "customers_page2")
    found = client().customer_find_by_email("p3@patients.example", full_scan=False)
    assert found is not None and found.full_name == "Patient 3 Example"


@responses.activate
def test_it_deletes_without_a_body():
    add("DELETE", "/customers/1", status=204)
    client().customer_delete(1)
    assert responses.calls[0].request.body is None
