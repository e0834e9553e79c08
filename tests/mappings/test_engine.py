"""map_record, paths, filters, translations and appointment states."""

from __future__ import annotations

from mappings import paths
from mappings.engine import (
    FilterSpec,
    Rule,
    appointment_state,
    evaluate_filters,
    map_record,
    translate,
)
from tests.mappings.conftest import load


def test_it_reads_source_context_list_and_meta_paths() -> None:
    source = {"patient_phone_numbers": [{"number": "1"}], "a": {"b": None}}
    context = {"patient": {"first_name": "Zoë"}}
    assert paths.resolve("patient_phone_numbers.0.number", source, context) == "1"
    assert paths.resolve("$patient.first_name", source, context) == "Zoë"
    assert paths.resolve("@x", source, context, {"x": 3}) == 3
    assert paths.resolve("a.b.c", source, context) is None
    assert paths.resolve("patient_phone_numbers.9", source, context) is None


def test_it_appends_and_merges_into_targets() -> None:
    payload: dict = {}
    meta: dict = {}
    paths.assign(payload, meta, "mainContact.contactItems[]", {"contactType": "email"})
    paths.assign(payload, meta, "mainContact.contactItems[]", [{"contactType": "mobile"}])
    paths.assign(payload, meta, "mainContact", {"firstName": "A"})
    paths.assign(payload, meta, "@action", "create")
    assert payload == {"mainContact": {"contactItems": [{"contactType": "email"},
                                                        {"contactType": "mobile"}],
                                       "firstName": "A"}}
    assert meta == {"action": "create"}


def test_it_maps_in_position_order_and_explains_each_rule_with_values() -> None:
    rules = [
        Rule(20, ["last_name"], "text", "mainContact.lastName", id=2),
        Rule(10, ["first_name", "last_name"], "compose_name", "customerFullName", id=1),
        Rule(30, ["email"], "email", "x", enabled=False),
    ]
    result = map_record(rules, {"first_name": "Zoë", "last_name": "Ngô"}, {})
    assert result.payload == {"customerFullName": "Zoë Ngô", "mainContact": {"lastName": "Ngô"}}
    assert [t.rule_id for t in result.explanation] == [1, 2]
    assert result.explanation[0].inputs == ["Zoë", "Ngô"]
    assert result.ok


def test_it_reports_a_crashing_or_unknown_transform_without_stopping_the_record() -> None:
    rules = [Rule(10, [], "nope", "title"), Rule(20, [], "constant", "jobType",
                                                   {"value": "Charge Up"})]
    result = map_record(rules, {}, {})
    assert result.payload == {"jobType": "Charge Up"}
    assert not result.ok and "unknown transform nope" in str(result.problems[0])


def test_its_problems_name_fields_but_never_patient_values() -> None:
    patient = load("patient_no_email")
    rules = [Rule(10, ["patient_phone_numbers"], "phone_contact_items",
                  "mainContact.contactItems[]"),
             Rule(20, ["email"], "email", "x")]
    result = map_record(rules, {**patient, "email": "bad@@x"}, {})
    text = " ".join(str(p) for p in result.problems)
    assert "patient_phone_numbers[3] (Other)" in text and "email" in text
    for value in ("12345", "bad@@x", "O'Brien"):
        assert value not in text


def test_it_derives_appointment_states_with_archive_and_cancel_first() -> None:
    booked = load("appointment_booked")
    assert appointment_state(booked, {}) == "booked"
    assert appointment_state(load("appointment_cancelled"), {}) == "cancelled"
    assert appointment_state({**booked, "archived_at": "2024-04-03T00:00:00Z",
                              "cancelled_at": "x"}, {}) == "archived"
    assert appointment_state({**booked, "did_not_arrive": True}, {}) == "did_not_arrive"
    assert appointment_state({**booked, "patient_arrived": True}, {}) == "arrived"
    moved = {**booked, "starts_at": "2024-04-03T23:00:00Z"}
    assert appointment_state(moved, {"previous": booked}) == "rescheduled"


def test_it_translates_and_returns_none_for_missing_tables_or_values() -> None:
    tables = {"invoice_status": {"10": "unpaid"}}
    assert translate(tables, "invoice_status", 10) == "unpaid"
    assert translate(tables, "invoice_status", "40") is None
    assert translate(tables, "nope", "10") is None


def test_it_skips_with_the_first_failing_filter() -> None:
    filters = [
        FilterSpec(20, "total_amount", "gte", ["50"], "Skip invoices below $50", id=7),
        FilterSpec(10, "status", "not_in", ["40"], "Skip open credit", id=6),
        FilterSpec(5, "number", "absent", [], "disabled", enabled=False),
    ]
    invoice = load("invoice_gst")
    assert evaluate_filters(filters, invoice, {}) is None
    skip = evaluate_filters(filters, {**invoice, "total_amount": "49.99"}, {})
    assert skip is not None and skip.filter_id == 7 and skip.field == "total_amount"
    skip = evaluate_filters(filters, {**invoice, "status": 40}, {})
    assert skip is not None and skip.filter_id == 6


def test_it_filters_on_context_records_and_presence() -> None:
    only_business = [FilterSpec(10, "$business.id", "in", ["1390053865344214699"])]
    assert evaluate_filters(only_business, {}, {"business": load("business")}) is None
    assert evaluate_filters(only_business, {}, {"business": {"id": "1"}}) is not None
    with_email = [FilterSpec(10, "email", "present", [])]
    assert evaluate_filters(with_email, load("patient_charlotte"), {}) is None
    assert evaluate_filters(with_email, load("patient_no_email"), {}) is not None
    assert evaluate_filters(with_email, {"email": "  "}, {}) is not None
