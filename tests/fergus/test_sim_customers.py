"""Simulator customers and contacts (reference §7.2, §7.3, §13)."""

from __future__ import annotations

import pytest

from sandbox.fergus.models import Customer
from tests.fergus.conftest import SIM_APPS
from tests.fergus.sim_data import customer, make_job

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)

ADDRESS = {"address1": "1 Harbour St", "addressCity": "Sydney", "addressRegion": "NSW",
           "addressPostcode": "2000", "addressCountry": "Australia"}


def test_it_creates_a_customer_with_201_and_the_read_model(sim):
    r = sim.call("POST", "/customers", json=customer(physicalAddress=ADDRESS))
    assert r.status_code == 201
    data = r.json()["data"]
    assert data["mainContact"]["contactItems"][0]["contactType"] == "email"
    assert data["physicalAddress"]["addressCity"] == "Sydney"
    assert data["pricingTier"] == {"id": 1, "name": "Default"}
    assert {"href": f"/customers/{data['id']}", "rel": "self", "type": "GET"} in data["links"]


def test_it_answers_303_for_the_same_name_and_main_contact_email(sim):
    first = sim.call("POST", "/customers", json=customer(email="A@x.example")).json()["data"]
    r = sim.call("POST", "/customers", json=customer(email="a@X.example"))
    assert r.status_code == 303
    assert r.json() == {"result": "redirect", "message": "Customer already exists",
                        "location": f"/customers/{first['id']}"}
    other = sim.call("POST", "/customers", json=customer(2, email="a@x.example"))
    assert other.status_code == 201


def test_it_silently_drops_unprefixed_address_names(sim):
    body = customer(physicalAddress={"address1": "1 A St", "city": "Sydney",
                                     "postalCode": "2000"})
    data = sim.call("POST", "/customers", json=body).json()["data"]
    assert data["physicalAddress"]["addressCity"] == ""
    assert "city" not in data["physicalAddress"]


def test_switch_address_names_on_read_plain(sim):
    sim.switch(address_names_on_read="plain")
    data = sim.call("POST", "/customers", json=customer(physicalAddress=ADDRESS)).json()["data"]
    assert data["physicalAddress"]["city"] == "Sydney"
    assert "addressCity" not in data["physicalAddress"]


def test_put_requires_name_and_main_contact_first_name(sim):
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    r = sim.call("PUT", f"/customers/{cid}", json={"mainContact": {"firstName": "X"}})
    assert "customerFullName" in r.json()["message"]
    r = sim.call("PUT", f"/customers/{cid}", json={"customerFullName": "X",
                                                    "mainContact": {"lastName": "Y"}})
    assert r.status_code == 400 and "firstName" in r.json()["message"]


def test_put_is_a_full_replace_that_drops_omitted_addresses(sim):
    cid = sim.call("POST", "/customers", json=customer(physicalAddress=ADDRESS)).json()[
        "data"]["id"]
    r = sim.call("PUT", f"/customers/{cid}", json={"customerFullName": "Renamed",
                                                    "mainContact": {"firstName": "R"}})
    data = r.json()["data"]
    assert data["customerFullName"] == "Renamed"
    assert data["physicalAddress"] is None
    assert data["mainContact"]["contactItems"] == []


def test_delete_is_soft_by_default(sim):
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    assert sim.call("DELETE", f"/customers/{cid}").status_code == 204
    assert sim.call("GET", "/customers").json()["data"] == []
    assert sim.call("GET", f"/customers/{cid}").status_code == 404
    assert Customer.objects.filter(pk=cid).exists()


def test_switch_customer_delete_mode_hard(sim):
    sim.switch(customer_delete_mode="hard")
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    assert sim.call("DELETE", f"/customers/{cid}").status_code == 204
    assert not Customer.objects.filter(pk=cid).exists()


def test_switch_customer_delete_block_if_jobs(sim):
    sim.switch(customer_delete_block_if_jobs=True)
    job = make_job(sim)
    r = sim.call("DELETE", f"/customers/{job['customer']['id']}")
    assert r.status_code == 400


def test_search_is_a_substring_over_name_contact_names_and_values(sim):
    sim.call("POST", "/customers", json=customer(1, email="alpha@x.example"))
    sim.call("POST", "/customers", json=customer(2, email="beta@x.example"))

    def names(text):
        return [c["customerFullName"] for c in sim.call(
            "GET", "/customers", params={"filterSearchText": text}).json()["data"]]

    assert names("ALPHA@") == ["Patient 1"]
    assert names("patient") == ["Patient 1", "Patient 2"]
    assert names("nobody") == []


def test_switch_customer_search_flaky_ignores_the_search(sim):
    sim.switch(customer_search_flaky=True)
    sim.call("POST", "/customers", json=customer(1))
    sim.call("POST", "/customers", json=customer(2))
    data = sim.call("GET", "/customers", params={"filterSearchText": "p1@"}).json()["data"]
    assert len(data) == 2


def test_it_sorts_customers_by_name_and_created_at(sim):
    for n in (2, 1, 3):
        sim.call("POST", "/customers", json=customer(n))

    def order(**params):
        return [c["customerFullName"][-1] for c in sim.call(
            "GET", "/customers", params=params).json()["data"]]

    assert order(sortField="name") == ["1", "2", "3"]
    assert order(sortField="name", sortOrder="desc") == ["3", "2", "1"]
    assert order(sortField="createdAt") == ["2", "1", "3"]
    assert sim.call("GET", "/customers", params={"sortField": "email"}).status_code == 400


def test_it_creates_and_filters_contacts_with_contact_items(sim):
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    r = sim.call("POST", "/contacts", json={"firstName": "Second", "customerId": cid,
                                            "contactItems": [{"contactType": "phone",
                                                              "contactValue": "02 9999"}]})
    assert r.status_code == 201
    listed = sim.call("GET", "/contacts", params={"filterCustomerId": cid}).json()["data"]
    assert sorted(c["firstName"] for c in listed) == ["Patient", "Second"]
    bad = sim.call("POST", "/contacts", json={"firstName": "X", "contactItems": [
        {"contactType": "pager", "contactValue": "1"}]})
    assert bad.status_code == 400 and "contactType" in bad.json()["message"]
    assert sim.call("DELETE", f"/contacts/{r.json()['data']['id']}").status_code == 404


def test_switch_contact_create_requires_parent_and_email(sim):
    sim.switch(contact_create_requires_parent_and_email=True)
    assert sim.call("POST", "/contacts", json={"firstName": "X"}).status_code == 400
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    r = sim.call("POST", "/contacts", json={"firstName": "X", "customerId": cid,
                                            "contactItems": [{"contactType": "email",
                                                              "contactValue": "x@y.example"}]})
    assert r.status_code == 201
