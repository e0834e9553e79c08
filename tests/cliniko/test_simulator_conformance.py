"""The simulator over real HTTP, one test per documented behaviour (reference §2–§7)."""

from __future__ import annotations

import re
import time

import pytest
import requests

from sandbox.cliniko import models as m
from sandbox.faults import faults_set

from .conftest import UA

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
ID = re.compile(r"^\d{19}$")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_a_bad_key_gets_401_with_the_rails_body(api):
    r = requests.get(
        f"{api.base}/patients", auth=("nope-au1", ""), headers={"User-Agent": UA}, timeout=5
    )
    assert r.status_code == 401 and r.text.startswith("HTTP Basic: Access denied.")


def test_a_non_empty_password_is_refused(api):
    r = requests.get(
        f"{api.base}/user", auth=(api.clinic.api_key, "x"), headers={"User-Agent": UA}, timeout=5
    )
    assert r.status_code == 401


def test_the_key_works_with_and_without_its_suffix(api):
    bare = api.clinic.api_key.rsplit("-", 1)[0]
    r = requests.get(f"{api.base}/user", auth=(bare, ""), headers={"User-Agent": UA}, timeout=5)
    assert r.status_code == 200


def test_a_key_naming_another_shard_or_sent_to_another_shard_is_not_found(api):
    other = api.clinic.api_key.rsplit("-", 1)[0] + "-au2"
    assert api.session.get(f"{api.base}/user", auth=(other, ""), timeout=5).status_code == 401
    wrong_host = api.base.replace("/au1/", "/au3/")
    assert api.session.get(f"{wrong_host}/user", timeout=5).status_code == 401


@pytest.mark.parametrize("agent", ["", "python-requests/2.32", "My App", "My App (not-an-email)"])
def test_a_user_agent_without_name_and_email_is_refused(api, agent):
    r = requests.get(
        f"{api.base}/user", auth=(api.clinic.api_key, ""), headers={"User-Agent": agent}, timeout=5
    )
    assert r.status_code == 400 and r.json() == {"message": "Requires a user agent"}


def test_an_accept_header_that_refuses_json_is_rejected(api):
    assert api.get("user", headers={"Accept": "text/html"}).status_code == 406


def test_lists_use_the_envelope_with_absolute_links_preserving_the_query(api):
    r = api.get("patients", params={"per_page": 10, "page": 2, "q[]": "archived_at:*"}).json()
    assert set(r) == {"patients", "total_entries", "links"} and len(r["patients"]) == 10
    links = r["links"]
    assert (
        links["self"].startswith("http://127.0.0.1")
        and "q%5B%5D=archived_at%3A%2A" in links["next"]
    )
    assert "page=1" in links["previous"] and "page=3" in links["next"]


def test_the_last_page_has_no_next_and_the_first_no_previous(api):
    r = api.get("patients", params={"per_page": 100}).json()
    assert "next" not in r["links"] and "previous" not in r["links"]


def test_per_page_defaults_to_50_and_is_capped_at_100(api):
    assert len(api.get("patients").json()["patients"]) == 50
    assert "per_page=100" in api.get("patients", params={"per_page": 500}).json()["links"]["self"]


def test_records_have_string_ids_link_relations_and_utc_seconds(api):
    appt = api.get("individual_appointments").json()["individual_appointments"][0]
    assert ID.match(appt["id"]) and TS.match(appt["starts_at"]) and TS.match(appt["updated_at"])
    assert set(appt["patient"]) == {"links"} and appt["patient"]["links"]["self"].startswith("http")
    inv = api.get("invoices").json()["invoices"][0]
    assert isinstance(inv["total_amount"], str) and inv["status_description"]


def test_sort_takes_a_comma_list_with_directions(api):
    rows = api.get("patients", params={"sort": "last_name:desc,id", "per_page": 100}).json()
    names = [p["last_name"] for p in rows["patients"]]
    assert names == sorted(names, reverse=True)


def test_default_order_is_created_at_ascending(api):
    rows = api.get("patients", params={"per_page": 100}).json()["patients"]
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)


@pytest.mark.parametrize(
    "flt,check",
    [
        ("updated_at:>=2000-01-01T00:00:00Z", lambda p: True),
        ("updated_at:>2100-01-01T00:00:00Z", lambda p: False),
        ("created_at:<2100-01-01T00:00:00Z", lambda p: True),
        ("created_at:<=2000-01-01T00:00:00Z", lambda p: False),
        ("email:?", lambda p: p["email"] is not None),
        ("email:!?", lambda p: p["email"] is None),
        ("last_name:~a", lambda p: "a" in p["last_name"].lower()),
        ("last_name:~~%e%", lambda p: "e" in p["last_name"].lower()),
        ("date_of_birth:=****-05-**", lambda p: p["date_of_birth"][5:7] == "05"),
        ("date_of_birth:>=1980-01-01", lambda p: p["date_of_birth"] >= "1980-01-01"),
        ("date_of_birth:<1980-01-01", lambda p: p["date_of_birth"] < "1980-01-01"),
    ],
)
def test_every_filter_operator_selects_matching_rows(api, flt, check):
    rows = api.get("patients", params={"q[]": flt, "per_page": 100}).json()["patients"]
    everyone = api.get("patients", params={"per_page": 100}).json()["patients"]
    assert rows == [p for p in everyone if check(p)]


def test_numeric_equality_takes_a_list_and_inequality_excludes(api):
    ids = [p["id"] for p in api.get("patients", params={"per_page": 3}).json()["patients"]]
    got = api.get("patients", params={"q[]": f"id:={','.join(ids)}"}).json()
    assert sorted(p["id"] for p in got["patients"]) == sorted(ids)
    rest = api.get("patients", params={"q[]": f"id:!={ids[0]}"}).json()["total_entries"]
    assert rest == api.get("patients").json()["total_entries"] - 1


def test_string_and_boolean_equality(api):
    p = api.get("patients").json()["patients"][0]
    got = api.get("patients", params={"q[]": f"first_name:={p['first_name']}"}).json()
    assert p["id"] in {x["id"] for x in got["patients"]}
    dna = api.get("individual_appointments", params={"q[]": "did_not_arrive:=true"}).json()
    assert all(a["did_not_arrive"] for a in dna["individual_appointments"])


def test_repeated_filters_are_anded(api):
    r = api.get("patients", params=[("q[]", "email:?"), ("q[]", "last_name:~a")]).json()
    assert all(p["email"] and "a" in p["last_name"].lower() for p in r["patients"])


def test_array_contains_on_group_appointments(api):
    g = api.get("group_appointments").json()["group_appointments"][0]
    pid = g["patient_ids"][0]
    r = api.get("group_appointments", params={"q[]": f"patient_ids:~{pid}"}).json()
    assert g["id"] in {x["id"] for x in r["group_appointments"]}


def test_an_unlisted_field_is_not_filterable(api):
    r = api.get("individual_appointments", params={"q[]": "notes:~x"})
    assert r.status_code == 400 and r.json() == {"message": "notes is not filterable"}
    r = api.get("patients", params={"q[]": "city:=Sydney"})
    assert r.json() == {"message": "city is not filterable"}


def test_datetime_filters_have_no_equals(api):
    assert (
        api.get("patients", params={"q[]": "updated_at:=2020-01-01T00:00:00Z"}).status_code == 400
    )


def test_archived_patients_are_hidden_unless_asked_for(api):
    pid = api.get("patients").json()["patients"][0]["id"]
    assert api.post(f"patients/{pid}/archive").status_code == 204
    assert pid not in {
        p["id"] for p in api.get("patients", params={"per_page": 100}).json()["patients"]
    }
    shown = api.get("patients", params={"q[]": "archived_at:*", "per_page": 100}).json()["patients"]
    assert pid in {p["id"] for p in shown}
    back = api.post(f"patients/{pid}/unarchive")
    assert back.status_code == 200 and back.json()["archived_at"] is None


def test_merged_patients_are_archived_and_point_at_the_survivor(api):
    account = m.Account.objects.get(pk=api.clinic.account_id)
    a, b = m.Patient.objects.filter(account=account, archived_at__isnull=True)[:2]
    m.Patient.objects.filter(pk=a.pk).update(
        archived_at=b.updated_at, merged_at=b.updated_at, merged_with_patient_id=b.pk
    )
    got = api.get(f"patients/{a.pk}").json()
    assert got["merged_at"] and got["merged_with_patient"]["links"]["self"].endswith(str(b.pk))


def test_cancelled_appointments_are_hidden_unless_asked_for(api):
    visible = api.get("individual_appointments", params={"per_page": 100}).json()
    appt = visible["individual_appointments"][0]["id"]
    r = api.patch(f"individual_appointments/{appt}/cancel", json={"cancellation_reason": 31})
    assert r.status_code == 204
    after = api.get("individual_appointments", params={"per_page": 100}).json()
    assert appt not in {a["id"] for a in after["individual_appointments"]}
    shown = api.get(
        "individual_appointments", params={"q[]": "cancelled_at:*", "per_page": 100}
    ).json()
    row = next(a for a in shown["individual_appointments"] if a["id"] == appt)
    assert row["cancellation_reason_description"] == "COVID-19 related"


def test_cancelling_needs_a_known_reason(api):
    appt = api.get("individual_appointments").json()["individual_appointments"][0]["id"]
    r = api.patch(f"individual_appointments/{appt}/cancel", json={"cancellation_reason": 99})
    assert r.status_code == 422 and "cancellation_reason" in r.json()["errors"]


def test_create_answers_201_with_location_and_validation_422(api):
    r = api.post(
        "patients",
        json={
            "first_name": "Zoë",
            "last_name": "O’Brien",
            "patient_phone_numbers": [{"phone_type": "Mobile", "number": "0412 345 678"}],
        },
    )
    assert r.status_code == 201 and r.headers["Location"] == r.json()["links"]["self"]
    assert r.json()["patient_phone_numbers"][0]["normalized_number"] == "61412345678"
    bad = api.post("patients", json={"first_name": ""})
    assert bad.status_code == 422
    assert bad.json() == {
        "message": "Validation Failed",
        "errors": {"first_name": "can’t be blank", "last_name": "can’t be blank"},
    }


def test_patch_and_put_update_and_bump_updated_at(api):
    p = api.get("patients").json()["patients"][0]
    for method in (api.patch, api.put):
        time.sleep(1.05)
        r = method(f"patients/{p['id']}", json={"occupation": "Nurse"})
        assert r.status_code == 200 and r.json()["updated_at"] > p["updated_at"]
        p = r.json()


def test_delete_is_a_deprecated_archive(api):
    pid = api.get("patients").json()["patients"][0]["id"]
    assert api.delete(f"patients/{pid}").status_code == 204
    assert api.get(f"patients/{pid}").json()["archived_at"]


def test_appointments_can_be_created_and_default_their_end(api):
    ref = api.get("individual_appointments").json()["individual_appointments"][0]
    body = {
        k: ref[k]["links"]["self"].rsplit("/", 1)[1]
        for k in ("patient", "practitioner", "appointment_type", "business")
    }
    body = {f"{k}_id": v for k, v in body.items()} | {"starts_at": "2030-01-01T00:00:00Z"}
    r = api.post("individual_appointments", json=body)
    assert r.status_code == 201 and r.json()["ends_at"] > r.json()["starts_at"]
    missing = api.post("individual_appointments", json={"starts_at": "2030-01-01T00:00:00Z"})
    assert missing.status_code == 422 and missing.json()["errors"]["patient"] == "can’t be blank"
    assert api.post(f"individual_appointments/{r.json()['id']}/archive").status_code == 204


def test_unknown_records_are_404(api):
    assert api.get("patients/1234567890123456789").status_code == 404
    assert api.get("invoices/nope").status_code == 404


def test_a_non_admin_key_cannot_read_other_users(api):
    r = requests.get(
        f"{api.base}/users",
        auth=(api.clinic.limited_api_key, ""),
        headers={"User-Agent": UA},
        timeout=5,
    )
    assert r.status_code == 403
    me = requests.get(
        f"{api.base}/user",
        auth=(api.clinic.limited_api_key, ""),
        headers={"User-Agent": UA},
        timeout=5,
    )
    assert me.status_code == 200


def test_bookings_are_the_union_with_booking_links(api):
    r = api.get("bookings", params={"per_page": 100}).json()
    assert "/bookings/" in r["bookings"][0]["links"]["self"]
    assert any("max_attendees" in b for b in r["bookings"])
    assert any("patient_name" in b for b in r["bookings"])


def test_businesses_carry_iana_time_zones(api):
    zones = {b["time_zone_identifier"] for b in api.get("businesses").json()["businesses"]}
    assert zones == {"Australia/Sydney", "Australia/Brisbane", "Australia/Adelaide"}


def test_the_rate_limit_answers_429_with_a_reset_time(api):
    user_id = api.get("user").json()["id"]
    faults_set(f"cliniko:{user_id}", rate_limit=3)
    codes = [api.get("user").status_code for _ in range(4)]
    assert codes[-1] == 429
    reset = api.get("user").headers["X-RateLimit-Reset"]
    assert int(reset) >= int(time.time())


@pytest.mark.parametrize(
    "fields,status",
    [
        ({"outage_seconds": 30}, 503),
        ({"storm_seconds": 30}, 429),
        ({"error_rate": 1.0, "error_status": 502}, 502),
    ],
)
def test_faults_are_injected_per_account(api, fields, status):
    from sandbox.control import parse_fault_values

    faults_set(f"cliniko:{api.clinic.account_id}", **parse_fault_values(fields))
    r = api.get("patients")
    assert r.status_code == status
    if status == 429:
        assert int(r.headers["X-RateLimit-Reset"]) > time.time()
