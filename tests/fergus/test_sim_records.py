"""Simulator users, notes, customer invoices, the back door and seeding."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests

from sandbox.fergus import backdoor
from sandbox.fergus.models import Company, User
from sandbox.fergus.seed import seed_company
from tests.fergus.conftest import SIM_APPS
from tests.fergus.sim_data import customer, make_job

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)


def _charge_up(sim, lines=((Decimal("95.50"), Decimal("2")), (Decimal("10.05"), Decimal("1")))):
    job = make_job(sim)
    phase = sim.call("POST", f"/jobs/{job['id']}/phases",
                     json={"title": "Consult", "description": "d"}).json()["data"]
    for price, qty in lines:
        sim.call("POST", f"/phases/{phase['id']}/stockOnHand", json={
            "itemDescription": "Item", "itemPrice": float(price), "itemQuantity": float(qty)})
    return job


def test_users_me_says_whether_the_user_is_the_owner(sim):
    assert sim.call("GET", "/users/me").json()["data"]["isOwner"] is True
    field = sim.user_tokens["sam.smith@clinic.example"]
    me = sim.call("GET", "/users/me", token=field).json()["data"]
    assert me["isOwner"] is False and me["email"] == "sam.smith@clinic.example"


def test_users_cannot_be_created_and_email_is_read_only(sim):
    assert sim.call("POST", "/users", json={"email": "x@y.example"}).status_code == 404
    me = sim.call("GET", "/users/me").json()["data"]
    r = sim.call("PATCH", f"/users/{me['id']}", json={"email": "new@y.example"})
    assert r.status_code == 400
    r = sim.call("PATCH", f"/users/{me['id']}", json={"contactItems": [
        {"contactType": "email", "contactValue": "new@y.example"}]})
    assert r.status_code == 400
    r = sim.call("PATCH", f"/users/{me['id']}", json={"firstName": "Liv", "payRate": 50})
    assert r.json()["data"]["firstName"] == "Liv" and r.json()["data"]["payRate"] == 50.0
    assert sim.call("PATCH", f"/users/{me['id']}", json={"payRate": -1}).status_code == 400


def test_field_users_may_not_edit_other_users(sim):
    owner = sim.call("GET", "/users/me").json()["data"]["id"]
    field = sim.user_tokens["sam.smith@clinic.example"]
    r = sim.call("PATCH", f"/users/{owner}", json={"firstName": "X"}, token=field)
    assert r.status_code == 403


def test_switch_users_active_filter_bug(sim):
    User.objects.filter(email="sam.smith@clinic.example").update(status="disabled")
    statuses = [u["status"] for u in sim.call(
        "GET", "/users", params={"filterStatus": "active"}).json()["data"]]
    assert "disabled" in statuses  # on by default, as the real API
    sim.switch(users_active_filter_bug=False)
    statuses = [u["status"] for u in sim.call(
        "GET", "/users", params={"filterStatus": "active"}).json()["data"]]
    assert set(statuses) == {"active"}


def test_disabled_users_tokens_stop_working(sim):
    User.objects.filter(email="sam.smith@clinic.example").update(status="disabled")
    field = sim.user_tokens["sam.smith@clinic.example"]
    assert sim.call("GET", "/users/me", token=field).status_code == 401


def test_notes_take_lowercase_entity_names_only(sim):
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    ok = sim.call("POST", "/notes", json={"entityName": "customer", "entityId": cid,
                                          "text": "cliniko:1"})
    assert ok.status_code == 201 and ok.json()["data"]["text"] == "cliniko:1"
    bad = sim.call("POST", "/notes", json={"entityName": "CUSTOMER", "entityId": cid,
                                           "text": "x"})
    assert bad.status_code == 400 and "entityName" in bad.json()["message"]


def test_notes_sort_by_snake_case_created_at_only(sim):
    assert sim.call("GET", "/notes", params={"sortField": "created_at"}).status_code == 200
    assert sim.call("GET", "/notes", params={"sortField": "createdAt"}).status_code == 400


def test_is_pinned_on_create_drops_the_text(sim):
    data = sim.call("POST", "/notes", json={"entityName": "job", "entityId": 1,
                                            "text": "keep me", "isPinned": True}).json()["data"]
    assert data["isPinned"] is True and data["text"] == ""
    patched = sim.call("PATCH", f"/notes/{data['id']}", json={"text": "again"}).json()["data"]
    assert patched["text"] == "again"


def test_the_back_door_raises_an_invoice_with_gst_from_line_items(sim):
    job = _charge_up(sim)
    inv = backdoor.invoice_raise(job["id"])
    assert inv.subtotal == Decimal("201.05")
    assert inv.tax_rate == Decimal("10")
    assert inv.tax_value == Decimal("20.11")  # round(201.05 × 10 / 100, 2), half up
    listed = sim.call("GET", "/customerInvoices", params={"jobId": job["id"]}).json()["data"]
    assert listed[0]["subtotal"] == 201.05 and listed[0]["taxValue"] == 20.11
    assert listed[0]["status"] == "unpaid" and listed[0]["type"] == "approved"
    assert "sections" not in listed[0]


def test_invoice_detail_has_sections_with_line_items(sim):
    job = _charge_up(sim)
    inv = backdoor.invoice_raise(job["id"], status="draft", type="draft")
    data = sim.call("GET", f"/customerInvoices/{inv.pk}").json()["data"]
    assert data["customer"]["id"] == job["customer"]["id"]
    items = data["sections"][0]["lineItems"]
    assert [(i["itemPrice"], i["itemQuantity"]) for i in items] == [(95.5, 2.0), (10.05, 1.0)]
    assert (data["status"], data["type"]) == ("draft", "draft")


def test_invoices_are_read_only_over_the_api(sim):
    job = _charge_up(sim)
    assert sim.call("POST", "/customerInvoices", json={"jobId": job["id"]}).status_code == 404
    inv = backdoor.invoice_raise(job["id"])
    assert sim.call("PUT", f"/customerInvoices/{inv.pk}", json={}).status_code == 404


def test_invoice_list_filters_and_sorts(sim):
    a = _charge_up(sim)
    first = backdoor.invoice_raise(a["id"])
    second = backdoor.invoice_raise(a["id"])

    def ids(**p):
        return [i["id"] for i in sim.call("GET", "/customerInvoices", params=p).json()["data"]]

    assert ids(sortField="id", sortOrder="desc") == [second.pk, first.pk]
    assert ids(customerId=a["customer"]["id"]) == [first.pk, second.pk]
    assert ids(invoiceNumber=second.invoice_number) == [second.pk]
    assert ids(jobId=999999) == []


def test_the_back_door_marks_invoices_paid_over_http(sim):
    job = _charge_up(sim)
    inv = backdoor.invoice_raise(job["id"])
    r = requests.post(f"{sim.base}/_backdoor/invoice_mark_paid", json={"invoiceId": inv.pk},
                      timeout=5)
    assert r.status_code == 200 and r.json()["status"] == "paid"
    data = sim.call("GET", f"/customerInvoices/{inv.pk}").json()["data"]
    assert data["paidAt"] and data["totalPaid"] == 221.16


def test_the_back_door_refuses_non_charge_up_jobs(sim):
    job = make_job(sim, jobType="Quote")
    r = requests.post(f"{sim.base}/_backdoor/invoice_raise", json={"jobId": job["id"]},
                      timeout=5)
    assert r.status_code == 400


def test_the_back_door_edits_a_customer_and_deletes_an_event(sim):
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    r = requests.post(f"{sim.base}/_backdoor/customer_edit", json={
        "customerId": cid, "email": "changed@x.example", "customerFullName": "Renamed"},
        timeout=5)
    assert r.status_code == 200
    data = sim.call("GET", f"/customers/{cid}").json()["data"]
    assert data["customerFullName"] == "Renamed"
    assert {"contactType": "email", "contactValue": "changed@x.example"} in [
        {k: i[k] for k in ("contactType", "contactValue")}
        for i in data["mainContact"]["contactItems"]]
    eid = sim.call("POST", "/calendarEvents", json={
        "eventTitle": "A", "eventType": "OTHER", "startTime": "2026-03-26T22:00:00Z",
        "endTime": "2026-03-26T22:15:00Z"}).json()["data"]["id"]
    assert backdoor.event_delete(eid) is True
    assert sim.call("GET", f"/calendarEvents/{eid}").status_code == 404


def test_switch_attachments_endpoint(sim):
    assert sim.call("POST", "/attachments", json={}).status_code == 404
    sim.switch(attachments_endpoint=True)
    assert sim.call("POST", "/attachments", json={}).status_code == 201


def test_seeding_is_idempotent_and_keeps_emails_exactly(sim):
    again = seed_company(["dr.jane.citizen@clinic.example", "sam.smith@clinic.example"], seed=7)
    assert again.token == sim.token and again.company_id == sim.company_id
    assert Company.objects.count() == 1
    emails = set(User.objects.values_list("email", flat=True))
    assert {"dr.jane.citizen@clinic.example", "sam.smith@clinic.example"} <= emails
    assert len(emails) == 4  # owner, two field users, one unmatched apprentice
    assert sim.token.startswith("fergPAT_")
    company = Company.objects.get()
    assert (company.timezone, company.tax_rate, company.tax_type) == (
        "Australia/Sydney", Decimal("10.00"), "GST")
