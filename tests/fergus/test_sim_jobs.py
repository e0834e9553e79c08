"""Simulator sites, jobs, phases and line items (reference §7.4-§7.6)."""

from __future__ import annotations

import time

import pytest

from tests.fergus.conftest import SIM_APPS
from tests.fergus.sim_data import make_customer_site, make_job, site

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)


def test_site_create_requires_default_contact_names_and_address1(sim):
    r = sim.call("POST", "/sites", json={"siteAddress": {"address1": "1 A St"}})
    assert "defaultContact" in r.json()["message"]
    r = sim.call("POST", "/sites", json={"defaultContact": {"firstName": "A"},
                                         "siteAddress": {"address1": "1 A St"}})
    assert r.status_code == 400 and "lastName" in r.json()["message"]
    body = site()
    body["siteAddress"]["address1"] = ""
    assert sim.call("POST", "/sites", json=body).json()["message"] == \
        "The address1 must not be empty"


def test_site_is_written_as_site_address_and_read_as_physical_address(sim):
    data = sim.call("POST", "/sites", json=site()).json()["data"]
    assert data["physicalAddress"]["address1"] == "1 Harbour St"
    assert "siteAddress" not in data
    assert data["defaultContact"]["lastName"] == "1"


def test_site_duplicate_address1_and_city_answers_303(sim):
    first = sim.call("POST", "/sites", json=site()).json()["data"]
    r = sim.call("POST", "/sites", json=site())
    assert r.status_code == 303 and r.json()["location"] == f"/sites/{first['id']}"
    assert sim.call("POST", "/sites", json=site(1, city="Newcastle")).status_code == 201


def test_site_patch_requires_site_address_every_time(sim):
    sid = sim.call("POST", "/sites", json=site()).json()["data"]["id"]
    r = sim.call("PATCH", f"/sites/{sid}", json={"name": "Home"})
    assert r.status_code == 400 and "siteAddress" in r.json()["message"]
    r = sim.call("PATCH", f"/sites/{sid}", json={"name": "Home", "siteAddress": {
        "address1": "2 New St", "addressCity": "Sydney"}})
    assert r.json()["data"]["name"] == "Home"
    assert r.json()["data"]["physicalAddress"]["address1"] == "2 New St"


def test_site_archive_and_restore(sim):
    sid = sim.call("POST", "/sites", json=site()).json()["data"]["id"]
    archived = sim.call("POST", f"/sites/{sid}/archive").json()["data"]
    assert archived["isArchived"] and archived["deletedAt"]
    restored = sim.call("POST", f"/sites/{sid}/restore").json()["data"]
    assert not restored["isArchived"] and restored["deletedAt"] is None


def test_job_type_must_be_quote_estimate_or_charge_up(sim):
    r = sim.call("POST", "/jobs", json={"jobType": "Service", "title": "x", "isDraft": True})
    assert r.json()["message"] == "The jobType must be one of 'Quote', 'Estimate', or 'Charge Up'"


def test_live_job_needs_description_customer_and_site(sim):
    r = sim.call("POST", "/jobs", json={"jobType": "Quote", "title": "x"})
    assert r.status_code == 400 and "description" in r.json()["message"]


def test_live_job_answers_draft_then_reads_to_price_with_title_as_description(sim):
    job = make_job(sim, customerReference="INV-9")
    assert job["status"] == "Draft" and job["jobNo"]
    read = sim.call("GET", f"/jobs/{job['id']}").json()["data"]
    assert read["status"] == "To Price"
    assert (read["description"], read["longDescription"]) == ("Invoice 1", "d")
    assert "customerReference" not in read
    finalise = [link for link in read["links"] if link["rel"] == "finalise"][0]
    assert finalise["type"] == "POST"  # the documented link bug


def test_switch_job_customer_reference_on_read(sim):
    sim.switch(job_customer_reference_on_read=True)
    job = make_job(sim, customerReference="INV-9")
    assert sim.call("GET", f"/jobs/{job['id']}").json()["data"]["customerReference"] == "INV-9"


def test_drafts_are_hidden_until_finalised(sim):
    c, s = make_customer_site(sim)
    draft = sim.call("POST", "/jobs", json={"jobType": "Quote", "title": "D",
                                            "isDraft": True}).json()["data"]
    assert draft["jobNo"] == ""
    assert sim.call("GET", f"/jobs/{draft['id']}").status_code == 404
    assert sim.call("GET", "/jobs").json()["data"] == []
    r = sim.call("PUT", f"/jobs/{draft['id']}", json={"title": "D2"})
    assert r.status_code == 400 and "jobType" in r.json()["message"]
    sim.call("PUT", f"/jobs/{draft['id']}", json={"title": "D2", "jobType": "Quote",
                                                  "customerId": c, "siteId": s})
    final = sim.call("PUT", f"/jobs/{draft['id']}/finalise").json()["data"]
    assert final["status"] == "To Price" and final["jobNo"] and final["description"] == "D2"
    assert sim.call("PUT", f"/jobs/{draft['id']}", json={"title": "x", "jobType": "Quote"}
                    ).status_code == 400  # PUT works on drafts only


def test_switch_draft_jobs_visible(sim):
    sim.switch(draft_jobs_visible=True)
    draft = sim.call("POST", "/jobs", json={"jobType": "Quote", "title": "D",
                                            "isDraft": True}).json()["data"]
    assert sim.call("GET", f"/jobs/{draft['id']}").status_code == 200


def test_hold_and_resume_answer_204_and_hide_on_hold_jobs(sim):
    job = make_job(sim)
    assert sim.call("POST", f"/jobs/{job['id']}/hold", json={"notes": "x"}).status_code == 400
    r = sim.call("POST", f"/jobs/{job['id']}/hold", json={"holdUntil": "2026-04-01",
                                                         "notes": "waiting"})
    assert r.status_code == 204 and r.content == b""
    assert sim.call("GET", "/jobs").json()["data"] == []
    shown = sim.call("GET", "/jobs", params={"filterShowOnHold": "true"}).json()["data"]
    assert shown[0]["onHold"] is True
    assert sim.call("POST", f"/jobs/{job['id']}/resume").status_code == 204
    assert len(sim.call("GET", "/jobs").json()["data"]) == 1


def test_last_modified_bumps_on_every_write(sim):
    job = make_job(sim)
    before = sim.call("GET", f"/jobs/{job['id']}").json()["data"]["lastModified"]
    time.sleep(1.05)
    sim.call("POST", f"/jobs/{job['id']}/phases", json={"title": "P", "description": "d"})
    after = sim.call("GET", f"/jobs/{job['id']}").json()["data"]["lastModified"]
    assert after > before


def test_job_list_filters_and_sorts(sim):
    a = make_job(sim, 1)
    b = make_job(sim, 2, jobType="Quote")
    ids = lambda **p: [j["id"] for j in sim.call("GET", "/jobs", params=p).json()["data"]]  # noqa: E731
    assert ids(filterJobType="Quote") == [b["id"]]
    assert ids(filterCustomerId=a["customer"]["id"]) == [a["id"]]
    assert ids(filterJobStatus="Active") == [a["id"], b["id"]]
    assert ids(filterJobStatus="Completed") == []
    assert ids(filterJobNo=b["jobNo"]) == [b["id"]]
    assert ids(filterSearchText="Invoice 2") == [b["id"]]
    assert ids(sortField="jobNo", sortOrder="desc") == [b["id"], a["id"]]
    assert ids(sortField="lastModified") == [a["id"], b["id"]]


def test_phases_are_unpaginated_and_void_answers_204(sim):
    job = make_job(sim)
    r = sim.call("POST", f"/jobs/{job['id']}/phases", json={"title": "P"})
    assert r.status_code == 400 and "description" in r.json()["message"]
    phase = sim.call("POST", f"/jobs/{job['id']}/phases",
                     json={"title": "P", "description": "d"}).json()["data"]
    body = sim.call("GET", f"/jobs/{job['id']}/phases").json()
    assert [p["id"] for p in body["data"]] == [phase["id"]] and "paging" not in body
    put = sim.call("PUT", f"/jobs/{job['id']}/phases/{phase['id']}", json={"title": "P2"})
    assert put.json()["data"]["title"] == "P2"
    assert sim.call("POST", f"/jobs/{job['id']}/phases/{phase['id']}/void").status_code == 204
    assert sim.call("GET", f"/jobs/{job['id']}/phases/{phase['id']}").json()["data"][
        "status"] == "Voided"


def test_phase_line_items_as_stock_on_hand(sim):
    job = make_job(sim)
    phase = sim.call("POST", f"/jobs/{job['id']}/phases",
                     json={"title": "P", "description": "d"}).json()["data"]
    item = sim.call("POST", f"/phases/{phase['id']}/stockOnHand", json={
        "itemDescription": "Consult", "itemPrice": 95.5, "itemQuantity": 2}).json()["data"]
    assert (item["itemPrice"], item["itemQuantity"], item["isLabour"]) == (95.5, 2.0, False)
    patched = sim.call("PATCH", f"/phases/{phase['id']}/stockOnHand/{item['id']}",
                       json={"isLabour": True}).json()["data"]
    assert patched["isLabour"] is True
    assert len(sim.call("GET", "/phases/stockOnHand").json()["data"]) == 1
    assert sim.call("DELETE", f"/phases/{phase['id']}/stockOnHand/{item['id']}"
                    ).status_code == 204
    assert sim.call("GET", f"/phases/{phase['id']}/stockOnHand").json()["data"] == []
