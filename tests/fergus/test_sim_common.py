"""Simulator conformance over real HTTP: auth, envelope, errors, rate limit, faults."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from sandbox.faults import faults_set
from sandbox.fergus.models import Token
from tests.fergus.conftest import SIM_APPS
from tests.fergus.sim_data import customer

pytestmark = pytest.mark.django_db(
    transaction=True, databases="__all__", available_apps=SIM_APPS
)


def test_it_answers_401_without_a_token(sim):
    r = requests.get(f"{sim.base}/company", timeout=5)
    assert r.status_code == 401 and r.json() == {"message": "Unauthorized"}


def test_it_answers_401_for_an_unknown_token(sim):
    assert sim.call("GET", "/company", token="fergPAT_unknown").status_code == 401


def test_it_answers_401_for_an_expired_token(sim):
    Token.objects.filter(key=sim.token).update(expires_at=timezone.now() - timedelta(days=1))
    assert sim.call("GET", "/company").status_code == 401


def test_it_wraps_answers_in_the_success_envelope(sim):
    body = sim.call("GET", "/company").json()
    assert body["result"] == "success"
    assert body["data"]["tax"] == {"rate": 10.0, "type": "GST"}
    assert {"settingKey": "timezone", "settingValue": "Australia/Sydney"} in \
        body["data"]["settings"]


def test_it_answers_unknown_routes_with_the_fastify_404(sim):
    r = sim.call("GET", "/quotes", params={"pageSize": 3})
    assert r.status_code == 404
    assert r.json() == {"message": "Route GET:/api/partner/quotes?pageSize=3 not found",
                        "error": "Not Found", "statusCode": 404}
    assert sim.call("GET", "/v1/customers").status_code == 404


def test_it_answers_404_for_a_known_path_with_the_wrong_method(sim):
    r = sim.call("POST", "/jobs/1/finalise")
    assert r.status_code == 404
    assert r.json()["message"] == "Route POST:/api/partner/jobs/1/finalise not found"


def test_it_answers_fastify_validation_errors(sim):
    r = sim.call("POST", "/customers", json={"customerFullName": "X"})
    assert r.status_code == 400
    assert r.json() == {"error": "Bad Request", "statusCode": 400, "message":
                        "Validation Failed: [<body>: must have required property "
                        "'mainContact']."}


def test_it_answers_415_for_a_non_json_body(sim):
    r = sim.call("POST", "/customers", data="a=b",
                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status_code == 415 and r.json()["error"] == "FastifyError"


def test_it_rejects_a_bodiless_delete_with_a_json_content_type(sim):
    r = sim.call("DELETE", "/customers/1", headers={"Content-Type": "application/json"})
    assert r.status_code == 400
    assert "Body cannot be empty" in r.json()["message"]


def test_switch_empty_json_body_rejected_off_lets_it_through(sim):
    sim.switch(empty_json_body_rejected=False)
    r = sim.call("DELETE", "/customers/999", headers={"Content-Type": "application/json"})
    assert r.status_code == 404


def test_switch_validation_as_500_answers_validation_failures_as_500(sim):
    sim.switch(validation_as_500=True)
    r = sim.call("POST", "/customers", json={"customerFullName": "X"})
    assert r.status_code == 500
    assert r.json()["message"].startswith("Validation Failed")


def test_it_answers_a_bare_forbidden_to_field_users_on_company_writes(sim):
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    field = sim.user_tokens["sam.smith@clinic.example"]
    r = sim.call("DELETE", f"/customers/{cid}", token=field)
    assert r.status_code == 403 and r.json() == {"message": "Forbidden"}


def test_switch_forbidden_body_html_answers_403_as_html(sim):
    sim.switch(forbidden_body_html=True)
    cid = sim.call("POST", "/customers", json=customer()).json()["data"]["id"]
    r = sim.call("DELETE", f"/customers/{cid}", token=sim.user_tokens["sam.smith@clinic.example"])
    assert r.status_code == 403 and r.headers["Content-Type"].startswith("text/html")


def test_it_answers_version_as_a_message(sim):
    assert sim.call("GET", "/version").json() == {"message": "1.0.0-sandbox"}


def test_switch_version_body_envelope(sim):
    sim.switch(version_body="envelope")
    assert sim.call("GET", "/version").json() == {"result": "success",
                                                  "data": {"version": "v1"}}


def test_switch_create_returns_bare_object(sim):
    sim.switch(create_returns_bare_object=True)
    body = sim.call("POST", "/customers", json=customer()).json()
    assert "result" not in body and body["customerFullName"] == "Patient 1"


def test_it_sends_rate_limit_headers_and_429_with_retry_after(sim):
    faults_set(sim.scope, rate_limit=2, rate_window_seconds=30)
    first = sim.call("GET", "/company")
    assert first.headers["x-ratelimit-limit"] == "2"
    assert first.headers["x-ratelimit-remaining"] == "1"
    assert int(first.headers["x-ratelimit-reset"]) == 30
    sim.call("GET", "/company")
    limited = sim.call("GET", "/company")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 30
    assert limited.headers["x-ratelimit-remaining"] == "0"


def test_it_shares_the_rate_limit_across_the_company_tokens(sim):
    faults_set(sim.scope, rate_limit=1, rate_window_seconds=30)
    assert sim.call("GET", "/users/me").status_code == 200
    other = sim.user_tokens["sam.smith@clinic.example"]
    assert sim.call("GET", "/users/me", token=other).status_code == 429


def test_it_answers_503_during_an_outage(sim):
    faults_set(sim.scope, outage_until=timezone.now() + timedelta(seconds=30))
    r = sim.call("GET", "/company")
    assert r.status_code == 503 and int(r.headers["retry-after"]) >= 1


def test_it_answers_429_during_a_storm(sim):
    faults_set(sim.scope, storm_until=timezone.now() + timedelta(seconds=30),
               storm_retry_seconds=4)
    r = sim.call("GET", "/company")
    assert r.status_code == 429 and r.headers["retry-after"] == "4"


def test_it_injects_5xx_at_the_configured_rate(sim):
    faults_set(sim.scope, error_rate=1.0, error_status=502)
    assert sim.call("GET", "/company").status_code == 502


def test_it_commits_a_late_post_then_answers_after_the_client_gave_up(sim):
    faults_set(sim.scope, late_commit_rate=1.0, late_commit_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(requests.Timeout):
        sim.call("POST", "/customers", json=customer(5), timeout=0.3)
    assert time.monotonic() - started < 1.0
    faults_set(sim.scope, late_commit_rate=0.0)
    listed = sim.call("GET", "/customers").json()["data"]
    assert [c["customerFullName"] for c in listed] == ["Patient 5"]
    # Let the late answer finish before the test database goes away.
    time.sleep(max(0.0, 1.2 - (time.monotonic() - started)))
