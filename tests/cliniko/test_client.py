"""ClinikoClient against recorded payloads (responses): headers, paging, typing, errors."""

from __future__ import annotations

import base64
import json
import logging
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import requests
import responses
from responses import matchers

from sync.clients.base import ErrorKind
from sync.clients.cliniko import ClinikoClient

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "cliniko"
KEY = "MS0xLWl4SzYYYYdtR3V2HNOTAREALKEYwvNHdeW0pd-au2"
UA = "Portal tests (dev@example.com)"
B = "https://api.au2.cliniko.com/v1"


def load(name: str) -> dict:
    return json.loads((FIX / name).read_text())


def rebase(payload: dict) -> dict:
    """Recorded payloads come from au1; this client talks to au2."""
    return json.loads(json.dumps(payload).replace("api.au1.", "api.au2."))


@pytest.fixture
def client() -> ClinikoClient:
    return ClinikoClient(KEY, UA)


@responses.activate
def test_it_builds_the_host_from_the_key_suffix_and_sends_the_documented_headers(client):
    responses.get(f"{B}/user", json=load("user.json"))
    client.user()
    sent = responses.calls[0].request
    assert sent.headers["Authorization"] == "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    assert sent.headers["Accept"] == "application/json" and sent.headers["User-Agent"] == UA
    assert "Content-Type" not in sent.headers


def test_a_key_without_suffix_belongs_to_au1():
    assert ClinikoClient("abc", UA).base_url == "https://api.au1.cliniko.com/v1"


def test_it_refuses_to_send_fernet_ciphertext():
    with pytest.raises(ValueError):
        ClinikoClient("gAAAAABmXyz", UA)


@responses.activate
def test_it_follows_next_links_dedupes_and_tolerates_old_shapes(client):
    responses.get(
        f"{B}/patients",
        json=rebase(load("patients_page1.json")),
        match=[
            matchers.query_param_matcher(
                {
                    "q[]": ["updated_at:>=2024-05-01T00:00:00Z", "archived_at:*"],
                    "sort": "updated_at:asc",
                    "per_page": "100",
                }
            )
        ],
    )
    responses.get(f"{B}/patients?page=2&per_page=100", json=rebase(load("patients_page2.json")))
    pages = list(
        client.patients(updated_since=datetime(2024, 5, 1, 10, tzinfo=UTC).replace(hour=0))
    )
    assert [len(p.items) for p in pages] == [2, 1]  # the repeated row is dropped
    legacy = pages[1].items[0]
    assert legacy.id == "75335355" and legacy.archived_at is None and legacy.date_of_birth is None
    assert legacy.merged_with_patient_id == "1390710863102485699"
    assert pages[0].items[0].updated_at == datetime(2024, 5, 10, 3, 12, 44, tzinfo=UTC)
    assert pages[1].next_url is None and pages[0].total_entries == 3


@responses.activate
def test_appointments_include_cancelled_and_resolve_related_ids(client):
    responses.get(f"{B}/individual_appointments", json=rebase(load("individual_appointments.json")))
    appt = next(iter(client.individual_appointments())).items[0]
    q = responses.calls[0].request.url
    assert "cancelled_at%3A%2A" in q and "archived_at%3A%2A" in q
    assert appt.patient_id == "1390710863102485699" and appt.business_id == "1390053865344214699"
    assert appt.cancellation_reason == 50 and appt.cancelled_at.tzinfo is not None


@responses.activate
def test_invoices_have_decimal_money_and_the_legacy_appointment_link(client):
    responses.get(f"{B}/invoices", json=rebase(load("invoices.json")))
    paid, open_ = next(iter(client.invoices())).items
    assert paid.total_amount == Decimal("110.0") and paid.appointment_id == "1390726237298631770"
    assert paid.status == 20 and paid.status_description == "Paid"
    assert open_.closed_at is None and open_.practitioner_id is None


@responses.activate
def test_invoice_items_filter_by_invoice_and_parse_number_totals(client):
    responses.get(f"{B}/invoice_items", json=rebase(load("invoice_items.json")))
    item = next(iter(client.invoice_items(invoice_id="1391200000000000042"))).items[0]
    assert "invoice_id%3A%3D1391200000000000042" in responses.calls[0].request.url
    assert item.total_including_tax == Decimal("110.1") and item.invoice_id == "1391200000000000042"


@responses.activate
def test_reference_lists_are_typed(client):
    for name in ("practitioners", "businesses", "appointment_types", "taxes", "users"):
        responses.get(f"{B}/{name}", json=rebase(load(f"{name}.json")))
    responses.get(f"{B}/practitioners/inactive", json=rebase(load("practitioners_inactive.json")))
    pracs = client.practitioners(include_inactive=True)
    assert [p.active for p in pracs] == [True, False] and pracs[0].user_id
    assert client.businesses()[0].time_zone_identifier == "Australia/Melbourne"
    assert client.appointment_types()[0].duration_in_minutes == 45
    assert client.taxes()[0].rate == Decimal("10.0")  # deprecated `amount` still read
    assert client.users()[0].email


@responses.activate
def test_429_is_retryable_with_the_reset_header(client):
    responses.get(
        f"{B}/user", status=429, headers={"X-RateLimit-Reset": str(int(time.time()) + 30)}
    )
    with pytest.raises(Exception) as info:
        client.user()
    err = info.value
    assert err.kind == ErrorKind.RATE_LIMITED and err.retryable and 25 <= err.retry_after <= 31


@responses.activate
def test_retry_after_wins_when_present(client):
    responses.get(f"{B}/user", status=429, headers={"Retry-After": "7"})
    with pytest.raises(Exception) as info:
        client.user()
    assert info.value.retry_after == 7


@pytest.mark.parametrize(
    "status,kind,retryable",
    [
        (500, ErrorKind.SERVER, True),
        (503, ErrorKind.SERVER, True),
        (401, ErrorKind.AUTH, False),
        (403, ErrorKind.FORBIDDEN, False),
        (404, ErrorKind.NOT_FOUND, False),
    ],
)
@responses.activate
def test_statuses_are_classified(client, status, kind, retryable):
    responses.get(f"{B}/patients/1", status=status, body="")
    with pytest.raises(Exception) as info:
        client.get("patients", "1")
    assert info.value.kind == kind and info.value.retryable is retryable
    assert KEY not in str(info.value)


@responses.activate
def test_validation_errors_name_fields_not_values(client):
    responses.post(f"{B}/patients", status=422, json=load("error_422.json"))
    with pytest.raises(Exception) as info:
        client.create("patients", {"first_name": "", "last_name": "Secret Surname"})
    err = info.value
    assert err.kind == ErrorKind.VALIDATION and not err.retryable
    assert err.fields["first_name"] == "can’t be blank" and err.fields["content"] == ""
    assert "Secret" not in str(err)
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"


@responses.activate
def test_not_filterable_is_a_permanent_400(client):
    responses.get(f"{B}/patients", status=400, json=load("error_400_not_filterable.json"))
    with pytest.raises(Exception) as info:
        next(iter(client.patients(extra_q=["appointment_type_id:=1"])))
    assert info.value.status == 400 and "not filterable" in str(info.value)
    assert "?" not in info.value.path


@responses.activate
def test_malformed_json_is_reported(client):
    responses.get(f"{B}/user", body="<html>oops</html>", status=200)
    with pytest.raises(Exception) as info:
        client.user()
    assert info.value.kind == ErrorKind.MALFORMED


@responses.activate
def test_timeouts_and_connection_errors_are_retryable(client):
    responses.get(f"{B}/user", body=requests.Timeout())
    responses.get(f"{B}/users", body=requests.ConnectionError())
    with pytest.raises(Exception) as info:
        client.user()
    assert info.value.kind == ErrorKind.TIMEOUT and info.value.retryable
    with pytest.raises(Exception) as info:
        client.users()
    assert info.value.kind == ErrorKind.NETWORK


@responses.activate
def test_it_never_follows_a_link_to_another_host(client):
    page = rebase(load("patients_page1.json"))
    page["links"]["next"] = "https://evil.example/v1/patients?page=2"
    responses.get(f"{B}/patients", json=page)
    with pytest.raises(Exception) as info:
        list(client.patients())
    assert info.value.kind == ErrorKind.MALFORMED and len(responses.calls) == 1


@responses.activate
def test_it_logs_no_key_and_no_query_string(client, caplog):
    responses.get(f"{B}/patients", json=rebase(load("patients_page2.json")))
    with caplog.at_level(logging.DEBUG, logger="sync.clients.cliniko"):
        list(client.patients(extra_q=["last_name:=Nguyen"]))
    assert caplog.records and KEY not in caplog.text and "Nguyen" not in caplog.text


@responses.activate
def test_pacer_is_asked_before_and_told_after_each_request():
    events = []

    class Pacer:
        def acquire(self):
            events.append("acquire")

        def observe(self, status, headers):
            events.append(status)

    responses.get(f"{B}/user", json=load("user.json"))
    ClinikoClient(KEY, UA, pacer=Pacer()).user()
    assert events == ["acquire", 200]


@responses.activate
def test_credentials_explain_a_non_admin_key(client):
    responses.get(f"{B}/user", json=load("user.json"))
    responses.get(f"{B}/users", status=403)
    report = client.test_credentials()
    assert report.ok and report.can_read_users is False and report.shard == "au2"
    assert "practitioners' e-mail" in report.problems[0]


@responses.activate
def test_credentials_explain_401_and_the_user_agent_error(client):
    responses.get(f"{B}/user", status=401, body="HTTP Basic: Access denied.\n")
    assert "shard au2" in client.test_credentials().message
    responses.replace(responses.GET, f"{B}/user", status=400, json=load("error_user_agent.json"))
    assert "User-Agent" in client.test_credentials().message
