"""test_credentials(): /users/me and /company, readable failures."""

from __future__ import annotations

from decimal import Decimal

import responses

from sync.clients.base import ErrorKind
from tests.fergus.helpers import TOKEN, add, client


@responses.activate
def test_it_reports_company_time_zone_tax_and_ownership():
    add("GET", "/users/me", "users_me")
    add("GET", "/company", "company")
    report = client().test_credentials()
    assert report.ok
    assert report.company_name == "Harbourside Allied Health Pty Ltd"
    assert report.time_zone == "Australia/Sydney"
    assert (report.tax_type, report.tax_rate) == ("GST", Decimal("10.0"))
    assert report.is_owner is True
    assert "an owner" in report.message


@responses.activate
def test_it_explains_an_invalid_or_expired_token():
    add("GET", "/users/me", "error_401", status=401)
    report = client().test_credentials()
    assert not report.ok and report.error_kind == ErrorKind.AUTH
    assert "expire" in report.message
    assert TOKEN not in report.message


@responses.activate
def test_it_explains_a_forbidden_token():
    add("GET", "/users/me", "users_me")
    add("GET", "/company", "error_403", status=403)
    report = client().test_credentials()
    assert not report.ok and report.error_kind == ErrorKind.FORBIDDEN
