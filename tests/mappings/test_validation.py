"""Validation messages say which row and what to do."""

from __future__ import annotations

from mappings.defaults import DEFAULT_TRANSLATIONS
from mappings.kinds import APPOINTMENT_EVENT, PATIENT_CUSTOMER
from mappings.validation import RuleInput, validate_filter, validate_rules, validate_translations


def rule(row: int, sources, transform="text", params=None, target="mainContact.lastName",
         enabled=True, position=None) -> RuleInput:
    return RuleInput(row, position if position is not None else row * 10, enabled, sources,
                     transform, params or {}, target)


BASE = [rule(1, ["first_name"], target="customerFullName"),
        rule(2, ["first_name"], target="mainContact.firstName")]


def test_it_accepts_a_minimal_valid_customer_rule_set() -> None:
    assert validate_rules(PATIENT_CUSTOMER, BASE) == ({}, [])


def test_it_names_an_unknown_source_field_and_suggests_the_fix() -> None:
    rows, _ = validate_rules(PATIENT_CUSTOMER, [*BASE, rule(3, ["firstname"])])
    assert "has no field “firstname”" in rows[3][0] and "snake_case" in rows[3][0]


def test_it_checks_context_paths_against_the_related_resource() -> None:
    rows, _ = validate_rules(PATIENT_CUSTOMER, [*BASE, rule(3, ["$practitioner.email"]),
                                                rule(4, ["$doctor.name"])])
    assert "practitioner records have no field “email”" in rows[3][0]
    assert "no context entry $doctor" in rows[4][0]


def test_it_reports_unknown_transforms_and_bad_parameters() -> None:
    rows, _ = validate_rules(PATIENT_CUSTOMER, [
        *BASE, rule(3, ["email"], transform="emial"),
        rule(4, ["patient_phone_numbers"], "phone_contact_items", {"format": "pretty"},
             "mainContact.contactItems[]")])
    assert "Unknown transform “emial”" in rows[3][0]
    assert "“format” of “phone_contact_items” must be one of: E164, NATIONAL" in rows[4][0]


def test_it_reports_required_fergus_targets_left_unmapped() -> None:
    _, errors = validate_rules(PATIENT_CUSTOMER, [BASE[0], rule(2, ["first_name"], enabled=False,
                                                               target="mainContact.firstName")])
    assert errors == ["Fergus requires “mainContact.firstName” for Patient → customer, and no "
                      "enabled rule writes it. Add a rule with target mainContact.firstName "
                      "(or enable the one you have)."]


def test_it_requires_event_title_start_and_end_for_calendar_events() -> None:
    _, errors = validate_rules(APPOINTMENT_EVENT, [])
    assert [e.split("”")[0] for e in errors] == [
        "Fergus requires “eventTitle", "Fergus requires “eventType",
        "Fergus requires “startTime", "Fergus requires “endTime"]


def test_it_rejects_misspelt_targets_and_meta_read_before_written() -> None:
    rows, _ = validate_rules(PATIENT_CUSTOMER, [
        *BASE, rule(3, ["last_name"], target="custmerFullName"),
        rule(4, ["@later"], target="mainContact.lastName"),
        rule(5, ["last_name"], target="@later")])
    assert "not a Fergus field" in rows[3][0]
    assert "read before any rule writes it" in rows[4][0]


def test_it_rejects_template_fields_missing_from_names() -> None:
    rows, _ = validate_rules(PATIENT_CUSTOMER, [*BASE, rule(
        3, ["first_name"], "template", {"template": "{first} {oops}", "names": ["first"]},
        "mainContact.lastName")])
    assert "uses {oops}, which is not in “names”" in rows[3][0]


def test_it_reports_a_translation_table_missing_a_source_value() -> None:
    rows = [(t, r[0], r[1]) for t, rs in DEFAULT_TRANSLATIONS.items() for r in rs]
    assert validate_translations(rows) == []
    rows = [r for r in rows if not (r[0] == "cancellation_reason" and r[1] == "31")]
    assert validate_translations(rows) == [
        "Translation table cancellation_reason is missing the source value(s) 31. Add a row "
        "for each, or re-apply the default template to restore them."]


def test_it_rejects_fergus_invoice_statuses_that_do_not_exist() -> None:
    rows = [(t, r[0], r[1]) for t, rs in DEFAULT_TRANSLATIONS.items() for r in rs]
    rows.append(("invoice_status", "99", "unpaid-credit"))
    assert "must be one of unpaid" in validate_translations(rows)[0]


def test_it_validates_filters() -> None:
    assert validate_filter(PATIENT_CUSTOMER, "email", "present", [], True) == []
    assert "needs at least one value" in validate_filter(
        APPOINTMENT_EVENT, "$business.id", "in", [], True)[0]
    assert validate_filter(APPOINTMENT_EVENT, "$business.id", "in", [], False) == []
    assert "Unknown operator" in validate_filter(PATIENT_CUSTOMER, "email", "like", [], True)[0]
