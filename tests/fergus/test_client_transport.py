"""FergusClient._request: headers, unwrapping, error classification, secrets."""

from __future__ import annotations

import pytest
import requests
import responses

from sync.clients.base import ApiError, ErrorKind
from sync.clients.fergus import FergusClient
from tests.fergus.helpers import BASE, TOKEN, add, add_html, client


@responses.activate
def test_it_sends_bearer_and_accept_but_no_content_type_without_a_body():
    add("GET", "/company", "company")
    add("DELETE", "/calendarEvents/5", status=204)
    c = client()
    c.company()
    c.event_delete(5)
    get, delete = responses.calls[0].request, responses.calls[1].request
    assert get.headers["Authorization"] == f"Bearer {TOKEN}"
    assert get.headers["Accept"] == "application/json"
    assert "Content-Type" not in get.headers
    assert "Content-Type" not in delete.headers
    assert delete.body is None


@responses.activate
def test_it_sends_json_content_type_with_a_body():
    add("DELETE", "/calendarEvents/5", status=204)
    client().event_delete(5, {"deleteAllGrouped": "TRUE"})
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"


@responses.activate
def test_it_unwraps_data_and_tolerates_a_bare_object_on_create():
    add("POST", "/customers", "customer_created_bare", status=201)
    result = client().customer_create({"customerFullName": "P 9", "mainContact": {
        "firstName": "P"}})
    assert result.created is True
    assert result.id == 4


def test_it_refuses_a_token_that_looks_like_fernet_ciphertext():
    with pytest.raises(ValueError, match="encrypted"):
        FergusClient("gAAAAABlZ2FyYmFnZQ==")


def test_it_never_shows_the_token_in_its_repr():
    assert TOKEN not in repr(client())


@responses.activate
def test_it_does_not_follow_redirects():
    add("POST", "/customers", "customer_redirect", status=303,
        headers={"Location": "/customers/1"})
    responses.add("GET", f"{BASE}/customers/1", json={"never": "called"})
    client().customer_create({"customerFullName": "P 1", "mainContact": {"firstName": "P"}})
    assert len(responses.calls) == 1


@pytest.mark.parametrize(("status", "name", "kind", "retryable"), [
    (400, "error_400_validation", ErrorKind.VALIDATION, False),
    (401, "error_401", ErrorKind.AUTH, False),
    (403, "error_403", ErrorKind.FORBIDDEN, False),
    (404, "error_404_route", ErrorKind.NOT_FOUND, False),
    (415, "error_415", ErrorKind.BAD_REQUEST, False),
    (500, "error_500_validation", ErrorKind.VALIDATION, False),
    (503, None, ErrorKind.SERVER, True),
])
@responses.activate
def test_it_classifies_errors(status, name, kind, retryable):
    add("GET", "/company", name, status=status, body=None if name else {"message": "down"})
    with pytest.raises(ApiError) as info:
        client().company()
    err = info.value
    assert (err.kind, err.retryable, err.status) == (kind, retryable, status)
    assert err.api == "fergus" and err.method == "GET" and err.path == "/company"
    assert TOKEN not in str(err)


@responses.activate
def test_it_names_the_missing_property_of_a_validation_error():
    add("PUT", "/customers/1", "error_400_validation", status=400)
    with pytest.raises(ApiError) as info:
        client().customer_update(1, {"customerFullName": "X", "mainContact": {"firstName": "Y"}})
    assert info.value.fields is not None and "mainContact" in info.value.fields
    assert "mainContact" in info.value.message


@responses.activate
def test_it_treats_a_500_with_a_validation_body_as_permanent():
    add("GET", "/company", "error_500_validation", status=500)
    with pytest.raises(ApiError) as info:
        client().company()
    assert info.value.kind == ErrorKind.VALIDATION
    assert not info.value.retryable


@responses.activate
def test_it_keeps_an_ordinary_500_retryable():
    add("GET", "/company", status=500, body={"error": "Internal Server Error",
                                             "message": "Internal Server Error",
                                             "statusCode": 500})
    with pytest.raises(ApiError) as info:
        client().company()
    assert info.value.kind == ErrorKind.SERVER and info.value.retryable


@responses.activate
def test_it_reads_an_html_403_as_forbidden_with_a_readable_message():
    add_html("DELETE", "/customers/1", "error_403_edge.html", 403)
    with pytest.raises(ApiError) as info:
        client().customer_delete(1)
    assert info.value.kind == ErrorKind.FORBIDDEN
    assert "HTML page" in info.value.message
    assert "<html" not in info.value.message


@responses.activate
def test_it_takes_retry_after_from_a_429():
    add("GET", "/company", "error_429", status=429, headers={"retry-after": "17"})
    with pytest.raises(ApiError) as info:
        client().company()
    assert info.value.kind == ErrorKind.RATE_LIMITED
    assert info.value.retry_after == 17.0
    assert info.value.retryable


@responses.activate
def test_it_scrubs_query_strings_and_emails_from_messages():
    add("GET", "/customers", status=404, body={
        "message": "Route GET:/api/partner/customers?filterSearchText=jane@x.example not found",
        "error": "Not Found", "statusCode": 404})
    with pytest.raises(ApiError) as info:
        list(client().customers(search="jane@x.example"))
    assert "jane" not in str(info.value)
    assert "filterSearchText" not in str(info.value)


@responses.activate
def test_it_reports_a_timeout_as_a_retryable_timeout():
    responses.add("POST", f"{BASE}/customers", body=requests.Timeout("slow"))
    with pytest.raises(ApiError) as info:
        client(timeout=0.5).customer_create({"customerFullName": "P", "mainContact": {
            "firstName": "P"}})
    assert info.value.kind == ErrorKind.TIMEOUT and info.value.retryable
    assert "may have happened" in info.value.message


@responses.activate
def test_it_reports_a_refused_connection_as_network():
    responses.add("GET", f"{BASE}/company", body=requests.ConnectionError("refused"))
    with pytest.raises(ApiError) as info:
        client().company()
    assert info.value.kind == ErrorKind.NETWORK


@responses.activate
def test_it_asks_the_pacer_before_and_tells_it_after_each_request():
    events = []

    class Spy:
        def acquire(self):
            events.append("acquire")

        def observe(self, status, headers):
            events.append(("observe", status, headers.get("x-ratelimit-remaining")))

    add("GET", "/company", "company", headers={"x-ratelimit-remaining": "41"})
    client(pacer=Spy()).company()
    assert events == ["acquire", ("observe", 200, "41")]


def test_it_builds_from_a_connection():
    class Conn:
        fergus_token = TOKEN
        fergus_base = "http://127.0.0.1:9/fergus"

    c = FergusClient.for_connection(Conn())
    assert c.base_url == "http://127.0.0.1:9/fergus"
