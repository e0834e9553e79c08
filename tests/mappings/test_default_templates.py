"""Every default template rule set, run on recorded Cliniko payloads, gives bodies that
meet Fergus's required fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from mappings.defaults import DEFAULT_RULES, DEFAULT_TRANSLATIONS
from mappings.engine import Rule, map_record
from mappings.kinds import APPOINTMENT_EVENT, INVOICE_JOB, PATIENT_CUSTOMER, PATIENT_SITE
from tests.mappings import fergus_required
from tests.mappings.conftest import load

PATIENTS = ["patient_charlotte", "patient_unicode", "patient_no_email", "patient_minimal"]
SITE_PATIENTS = ["patient_charlotte", "patient_unicode", "patient_no_email"]  # have address_1


def rules(kind: str) -> list[Rule]:
    return [Rule((i + 1) * 10, s, t, target, p)
            for i, (s, t, p, target, _note) in enumerate(DEFAULT_RULES[kind])]


def tables() -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {}
    for table, rows in DEFAULT_TRANSLATIONS.items():
        result[table] = {r[0]: r[1] for r in rows}
        result[f"{table}.title_prefix"] = {r[0]: r[2] for r in rows}
    return result


def context(**extra: Any) -> dict[str, Any]:
    return {"translations": tables(), "time_zone": "Australia/Melbourne",
            "practitioner": load("practitioner"), "practitioner_user": load("user"),
            "appointment_type": load("appointment_type"), "business": load("business"),
            "patient": load("patient_charlotte"), "fergus_user_id": 173187,
            "fergus_customer_id": 9778208, "fergus_site_id": 9778300, **extra}


@pytest.mark.parametrize("fixture", PATIENTS)
def test_it_maps_patients_to_customers_fergus_accepts(fixture: str) -> None:
    result = map_record(rules(PATIENT_CUSTOMER), load(fixture), context())
    assert fergus_required.customer_errors(result.payload) == []


def test_it_maps_charlotte_to_the_expected_customer_body() -> None:
    body = map_record(rules(PATIENT_CUSTOMER), load("patient_charlotte"), context()).payload
    assert body["customerFullName"] == "Charlotte Nguyen"
    assert body["mainContact"]["firstName"] == "Charlie"
    assert body["mainContact"]["contactItems"] == [
        {"contactType": "email", "contactValue": "charlotte.nguyen@example.com"},
        {"contactType": "mobile", "contactValue": "+61412345678"},
        {"contactType": "phone", "contactValue": "+61391234567"},
    ]
    assert body["physicalAddress"]["addressRegion"] == "VIC"


def test_it_maps_a_patient_without_email_and_reports_the_bad_phone() -> None:
    result = map_record(rules(PATIENT_CUSTOMER), load("patient_no_email"), context())
    types = [i["contactType"] for i in result.payload["mainContact"]["contactItems"]]
    assert types == ["phone", "mobile", "fax", "other"]
    assert [p.field for p in result.problems] == ["patient_phone_numbers[3] (Other)"]
    assert result.ok  # a warning: still pushed, per the keep_raw policy


@pytest.mark.parametrize("fixture", SITE_PATIENTS)
def test_it_maps_patients_to_sites_fergus_accepts(fixture: str) -> None:
    result = map_record(rules(PATIENT_SITE), load(fixture), context())
    assert fergus_required.site_errors(result.payload) == []


def test_it_keeps_all_three_cliniko_address_lines_on_the_site() -> None:
    body = map_record(rules(PATIENT_SITE), load("patient_unicode"), context()).payload
    assert body["siteAddress"]["address1"] == "Level 2"
    assert body["siteAddress"]["address2"] == "100 Rue de l’Église, Attn: Reception"


@pytest.mark.parametrize("fixture", ["appointment_booked", "appointment_cancelled",
                                     "appointment_off_grid_dst"])
def test_it_maps_appointments_to_calendar_events_fergus_accepts(fixture: str) -> None:
    result = map_record(rules(APPOINTMENT_EVENT), load(fixture), context())
    assert fergus_required.event_errors(result.payload) == []
    assert result.ok


def test_it_keeps_exact_local_times_in_the_description_while_snapping_the_event() -> None:
    result = map_record(rules(APPOINTMENT_EVENT), load("appointment_off_grid_dst"),
                        context(time_zone="Australia/Sydney"))
    assert result.payload["startTime"] == "2024-04-06T15:30:00Z"
    assert result.payload["endTime"] == "2024-04-06T15:45:00Z"
    # 15:37Z is 2:37 am AEDT, 23 minutes before Sydney's clocks go back.
    assert result.payload["description"].startswith("Sun 7 Apr 2024, 2:37 am")


def test_it_prefixes_and_deletes_cancelled_appointments_per_the_translation_table() -> None:
    result = map_record(rules(APPOINTMENT_EVENT), load("appointment_cancelled"), context())
    assert result.payload["eventTitle"].startswith("Cancelled: Charlotte Nguyen")
    assert result.meta["action"] == "delete"
    assert "Other" in result.payload["description"]


def test_it_maps_a_gst_invoice_to_a_charge_up_job_with_matching_totals() -> None:
    result = map_record(rules(INVOICE_JOB), load("invoice_gst"),
                        context(invoice_items=load("invoice_items_gst")))
    body = result.payload
    assert fergus_required.job_errors(body) == [] and result.ok
    assert body["jobType"] == "Charge Up" and body["customerReference"] == "1042"
    subtotal = sum(i["itemQuantity"] * i["itemPrice"] for i in body["lineItems"])
    gst = (subtotal * Decimal("0.10")).quantize(Decimal("0.01"))
    assert (subtotal, gst, subtotal + gst) == (Decimal("100"), Decimal("10"), Decimal("110"))
    assert result.meta["expected_fergus_status"] == "paid"


def test_it_pushes_an_invoice_mixing_gst_and_gst_free_items_with_a_warning() -> None:
    result = map_record(rules(INVOICE_JOB), load("invoice_mixed_gst"),
                        context(invoice_items=load("invoice_items_mixed_gst")))
    assert fergus_required.job_errors(result.payload) == []
    assert result.ok and result.meta["gst"]["matches"] is False
    assert result.problems[0].severity == "warning"
    assert "mixes GST and GST-free" in str(result.problems[0])
    assert sum(i["itemQuantity"] * i["itemPrice"] for i in result.payload["lineItems"]) == 150
