"""Sites, jobs, phases, line items, notes and invoices through the client."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import responses

from tests.fergus.helpers import BASE, add, client, fixture, sent_json


@responses.activate
def test_it_creates_a_site_and_reads_303_as_existing():
    add("POST", "/sites", "site_created", status=201)
    add("POST", "/sites", "site_redirect", status=303)
    c = client()
    first = c.site_create({"firstName": "P", "lastName": "E"}, {"address1": "1 Harbour St"})
    again = c.site_create({"firstName": "P", "lastName": "E"}, {"address1": "1 Harbour St"})
    assert first.created and not again.created and again.id == first.id
    assert set(sent_json(0)) == {"defaultContact", "siteAddress"}


def test_it_refuses_a_site_without_address1_or_last_name():
    with pytest.raises(ValueError):
        client().site_create({"firstName": "P", "lastName": "E"}, {"address1": " "})
    with pytest.raises(ValueError):
        client().site_create({"firstName": "P"}, {"address1": "1 A St"})


@responses.activate
def test_it_always_sends_site_address_on_patch():
    add("GET", "/sites/1", "site")
    add("PATCH", "/sites/1", "site")
    site = client().site_update(1, name="Home")
    body = sent_json()
    assert body["name"] == "Home"
    assert body["siteAddress"]["address1"] == "1 Harbour St"
    assert site.physical_address["addressCity"] == "Sydney"


@responses.activate
def test_it_archives_and_restores_sites_without_a_body():
    add("POST", "/sites/1/archive", "site")
    add("POST", "/sites/1/restore", "site")
    c = client()
    c.site_archive(1)
    c.site_restore(1)
    assert all("Content-Type" not in call.request.headers for call in responses.calls)


@responses.activate
def test_it_creates_a_live_job_with_customer_reference():
    add("POST", "/jobs", "job_created", status=201)
    job = client().job_create("Charge Up", "Invoice 1001", description="Consultation",
                              customer_id=1, site_id=1, customer_reference="1001")
    assert sent_json() == {"jobType": "Charge Up", "title": "Invoice 1001",
                           "description": "Consultation", "customerId": 1, "siteId": 1,
                           "customerReference": "1001"}
    assert job.status == "Draft" and job.title == "Invoice 1001"


def test_it_refuses_job_types_fergus_rejects():
    with pytest.raises(ValueError, match="jobType"):
        client().job_create("Service", "x", customer_id=1, site_id=1)


@responses.activate
def test_it_finalises_with_put_and_updates_drafts_with_title_and_type():
    add("PUT", "/jobs/9/finalise", "job")
    add("PUT", "/jobs/9", "job")
    c = client()
    c.job_finalise(9)
    c.job_update_draft(9, title="T", job_type="Quote", customerReference="R")
    assert responses.calls[0].request.method == "PUT"
    assert sent_json() == {"title": "T", "jobType": "Quote", "customerReference": "R"}


@responses.activate
def test_it_holds_and_resumes_jobs():
    add("POST", "/jobs/9/hold", status=204)
    add("POST", "/jobs/9/resume", status=204)
    c = client()
    c.job_hold(9, date(2026, 4, 1), "waiting")
    c.job_resume(9)
    assert sent_json(0) == {"holdUntil": "2026-04-01", "notes": "waiting"}


@responses.activate
def test_it_finds_a_job_by_reference_among_the_customers_jobs():
    add("GET", "/jobs", "jobs_page")
    job = client().job_find_by_reference(1, "Invoice 1001")
    assert job is not None and job.id == fixture("job")["data"]["id"]
    url = responses.calls[0].request.url
    assert "filterCustomerId=1" in url and "filterShowOnHold=true" in url
    assert "filterShowArchived=true" in url


@responses.activate
def test_it_creates_phases_and_line_items_with_numbers():
    add("POST", "/jobs/1/phases", "phase_created", status=201)
    add("GET", "/jobs/1/phases", "phases")
    add("POST", "/phases/1/stockOnHand", "line_item_created", status=201)
    c = client()
    phase = c.phase_create(1, "Consultation", "Initial")
    assert [p.id for p in c.phases(1)] == [phase.id]
    item = c.line_item_add(phase.id, "Initial consultation", Decimal("95.50"), Decimal("2"),
                           is_labour=True)
    assert sent_json()["itemPrice"] == 95.5 and sent_json()["itemQuantity"] == 2.0
    assert item.price == Decimal("95.5") and item.is_labour


@responses.activate
def test_it_reads_invoices_with_decimal_money_and_a_derived_total():
    add("GET", "/customerInvoices", "invoices")
    add("GET", "/customerInvoices/1", "invoice_detail")
    c = client()
    [inv] = list(c.invoices(job_id=1))
    assert "jobId=1" in responses.calls[0].request.url
    assert inv.subtotal == Decimal("191.0") and inv.tax_value == Decimal("19.1")
    assert inv.total == Decimal("210.1") and inv.status == "unpaid"
    detail = c.invoice(1)
    assert detail.line_items[0]["itemDescription"] == "Initial consultation"


@responses.activate
def test_it_creates_notes_lowercase_and_pins_with_a_later_patch():
    add("POST", "/notes", "note_created", status=201)
    pinned = fixture("note_created")
    pinned["data"]["isPinned"] = True
    responses.add("PATCH", f"{BASE}/notes/1", json=pinned)
    note = client().note_create("CUSTOMER", 1, "cliniko:1", pinned=True)
    assert sent_json(0) == {"entityName": "customer", "entityId": 1, "text": "cliniko:1"}
    assert sent_json(1) == {"isPinned": True}
    assert note.is_pinned and note.text == "cliniko:1"


@responses.activate
def test_it_lists_users_and_drops_disabled_ones_the_filter_lets_through():
    page = fixture("users_page1")
    page["data"][1]["status"] = "disabled"
    page["paging"]["links"]["next"] = None
    responses.add("GET", f"{BASE}/users", json=page)
    users = client().users(status="active")
    assert [u.status for u in users] == ["active"]
