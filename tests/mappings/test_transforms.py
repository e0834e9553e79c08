"""Example-based tests of individual transforms and the parameter schema."""

from __future__ import annotations

from decimal import Decimal

from mappings.transforms import validate_params
from mappings.transforms.addresses import split_single, state_abbreviation, state_name
from tests.mappings.helpers import run


def test_it_formats_an_australian_mobile_as_e164_by_default() -> None:
    assert run("phone", ["0412 345 678"]) == ("+61412345678", [])


def test_it_formats_national_when_configured() -> None:
    assert run("phone", ["+61 3 9123 4567"], {"format": "NATIONAL"})[0] == "(03) 9123 4567"


def test_it_falls_back_to_clinikos_normalized_number() -> None:
    entry = {"phone_type": "Mobile", "number": "ask reception", "normalized_number": "61412345678"}
    items, problems = run("phone_contact_items", [[entry]])
    assert items == [{"contactType": "mobile", "contactValue": "+61412345678"}] and not problems


def test_it_reports_an_invalid_phone_by_field_and_type_without_its_value() -> None:
    entry = {"phone_type": "Home", "number": "12345", "normalized_number": "12345"}
    items, problems = run("phone_contact_items", [[entry]], {"invalid": "keep_raw"})
    assert items == [{"contactType": "phone", "contactValue": "12345"}]
    assert problems == [("field_0[0] (Home)", "is not a valid phone number", "warning")]
    assert "12345" not in problems[0][1]


def test_it_omits_invalid_phones_when_told_but_still_reports_them() -> None:
    entry = {"phone_type": "Other", "number": "12345"}
    items, problems = run("phone_contact_items", [[entry]], {"invalid": "omit"})
    assert items == [] and len(problems) == 1


def test_it_maps_phone_types_through_a_configured_table() -> None:
    entry = {"phone_type": "Work", "number": "03 9123 4567"}
    items, _ = run("phone_contact_items", [[entry]], {"type_map": {"Work": "other"}})
    assert items[0]["contactType"] == "other"


def test_it_converts_state_names_and_abbreviations_both_ways() -> None:
    assert state_abbreviation("Victoria") == "VIC" and state_abbreviation("nsw") == "NSW"
    assert state_name("QLD") == "Queensland" and state_name("Tasmania") == "Tasmania"
    assert state_abbreviation("Auckland") == "Auckland"


def test_it_splits_a_one_line_australian_address() -> None:
    assert split_single("Unit 4, 18 Chapel Street, Windsor VIC 3181") == {
        "address1": "Unit 4", "address2": "18 Chapel Street", "addressCity": "Windsor",
        "addressRegion": "VIC", "addressPostcode": "3181",
    }


def test_it_builds_a_fergus_address_with_the_state_as_a_name_when_asked() -> None:
    result, _ = run("address_to_fergus",
                    ["1 High St", "", "", "Windsor", "VIC", "3181", "AU"],
                    {"state_format": "name", "locality": "addressCity", "country_format": "code"})
    assert result == {"address1": "1 High St", "address2": "", "addressCity": "Windsor",
                      "addressRegion": "Victoria", "addressPostcode": "3181",
                      "addressCountry": "AU"}


def test_it_snaps_start_down_and_end_up_in_utc() -> None:
    assert run("grid_start", ["2024-04-02T23:07:59Z"])[0] == "2024-04-02T23:00:00Z"
    assert run("grid_end", ["2024-04-02T23:46:00Z", "2024-04-02T23:07:00Z"])[0] == \
        "2024-04-03T00:00:00Z"


def test_it_never_makes_a_zero_length_event() -> None:
    assert run("grid_end", ["2024-04-02T23:00:00Z", "2024-04-02T23:00:00Z"])[0] == \
        "2024-04-02T23:15:00Z"


def test_it_reports_an_unreadable_start_time_as_an_error() -> None:
    value, problems = run("grid_start", ["next tuesday"])
    assert value is None and problems[0][2] == "error"


def test_it_writes_adelaide_half_hour_local_times() -> None:
    text, _ = run("local_time", ["2024-01-15T00:00:00Z", "2024-01-15T00:45:00Z"],
                  {"style": "range"}, {"time_zone": "Australia/Adelaide"})
    assert text == "Mon 15 Jan 2024, 10:30 am – 11:15 am ACDT"


def test_it_writes_brisbane_times_without_daylight_saving() -> None:
    text, _ = run("local_time", ["2024-01-15T00:00:00Z"], {}, {"time_zone": "Australia/Brisbane"})
    assert text == "Mon 15 Jan 2024, 10:00 am AEST"


def test_it_reports_an_unknown_time_zone_and_falls_back_to_utc() -> None:
    text, problems = run("local_time", ["2024-01-15T00:00:00Z"], {}, {"time_zone": "Mars/Base"})
    assert text.endswith("UTC") and problems[0][0] == "time_zone"


def test_it_lower_cases_and_validates_emails() -> None:
    assert run("email", ["  Zoe.NGO@Example.COM "])[0] == "zoe.ngo@example.com"
    value, problems = run("email", ["not-an-address"])
    assert value is None and problems == [("field_0", "is not a valid e-mail address", "warning")]


def test_it_fills_templates_with_named_fields_only() -> None:
    params = {"template": "{patient_name} — {appointment_type}",
              "names": ["patient_name", "appointment_type"]}
    assert run("template", ["Zoë", "Home visit"], params)[0] == "Zoë — Home visit"
    unsafe = {"template": "{a.__class__}", "names": ["a"]}
    value, problems = run("template", ["x"], unsafe)
    assert value is None and problems[0][2] == "error"


def test_it_translates_through_a_table_and_reports_missing_values() -> None:
    context = {"translations": {"invoice_status": {"20": "paid"}}}
    assert run("lookup", [20], {"table": "invoice_status"}, context)[0] == "paid"
    value, problems = run("lookup", ["99"], {"table": "invoice_status"}, context)
    assert value is None and "invoice_status" in problems[0][1]


def test_it_reads_the_id_out_of_a_cliniko_link() -> None:
    link = {"links": {"self": "https://api.au1.cliniko.com/v1/patients/1390710863102485699"}}
    assert run("link_id", [link])[0] == "1390710863102485699"


def test_it_uses_decimal_money_rounded_to_cents() -> None:
    assert run("money", ["110.005"])[0] == Decimal("110.01")


def test_it_keeps_money_exact_when_a_unit_price_would_not_divide_into_cents() -> None:
    item = {"name": "Pack", "quantity": "3", "net_price": "100.00"}
    lines, _ = run("invoice_line_items", [[item]])
    assert lines[0]["itemQuantity"] == 1 and lines[0]["itemPrice"] == Decimal("100.00")
    assert "× 3" in lines[0]["itemDescription"]


def test_it_passes_a_fully_gst_invoice_and_flags_an_all_gst_free_one() -> None:
    taxed = [{"net_price": "100.0", "tax_rate": "10.0"}]
    summary, problems = run("gst_check", ["100.0", "10.0", "110.0", taxed])
    assert summary["matches"] and problems == []
    free = [{"net_price": "80.0", "tax_rate": "0.0"}]
    summary, problems = run("gst_check", ["80.0", "0.0", "80.0", free])
    assert not summary["matches"] and "GST-free" in problems[0][1]


def test_it_flags_cliniko_totals_that_fergus_would_not_reproduce() -> None:
    items = [{"net_price": "100.0", "tax_rate": "10.0"}]
    summary, problems = run("gst_check", ["100.0", "10.0", "111.0", items])
    assert not summary["matches"] and problems[0][0] == "field_2"


def test_it_validates_parameters_against_the_schema() -> None:
    assert validate_params("phone", {"format": "E164"}, 1) == []
    assert "must be one of" in validate_params("phone", {"format": "nice"}, 1)[0]
    assert "no parameter" in validate_params("phone", {"colour": 1}, 1)[0]
    assert "needs the parameter" in validate_params("constant", {}, 0)[0]
    assert "Unknown transform" in validate_params("teleport", {}, 0)[0]
    assert "true/false" in validate_params("email", {"as_contact_item": "yes"}, 1)[0]
    assert "at most 1" in validate_params("phone", {}, 2)[0]
