"""The circuit breaker: opens after repeated failures, probes once per interval, closes
on success and makes the backlog due at once; per connection and API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sync.breaker import breaker_failure, breaker_gate, breaker_observe, breaker_success
from sync.clients.base import ApiError, ErrorKind
from sync.models import CircuitBreaker, WorkItem
from sync.services import connection_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(settings):
    settings.BREAKER_THRESHOLD = 3
    settings.BREAKER_PROBE_SECONDS = 60


def test_it_opens_after_the_threshold_and_then_allows_a_single_probe(connection):
    for _ in range(2):
        breaker_failure(connection.pk, "fergus")
    assert breaker_gate(connection.pk, "fergus") == "closed"
    assert breaker_failure(connection.pk, "fergus")
    assert breaker_gate(connection.pk, "fergus") == "open"
    CircuitBreaker.objects.update(next_probe_at=timezone.now() - timedelta(seconds=1))
    assert breaker_gate(connection.pk, "fergus") == "probe"
    assert breaker_gate(connection.pk, "fergus") == "open"  # one probe per interval


def test_a_success_closes_it_and_the_waiting_backlog_is_due_at_once(connection):
    item = WorkItem.objects.create(connection=connection, object_type="patient", cliniko_id="1",
                                   state="retry", last_error_kind="server",
                                   next_attempt_at=timezone.now() + timedelta(minutes=15))
    for _ in range(3):
        breaker_failure(connection.pk, "fergus")
    breaker_success(connection.pk, "fergus")
    assert breaker_gate(connection.pk, "fergus") == "closed"
    item.refresh_from_db()
    assert item.next_attempt_at is None


def test_permanent_errors_show_the_api_is_up_and_reset_the_count(connection):
    for _ in range(2):
        breaker_observe(connection.pk, ApiError("fergus", ErrorKind.SERVER, "Fergus GET /x 503"))
    breaker_observe(connection.pk, ApiError("fergus", ErrorKind.VALIDATION, "422"))
    breaker_observe(connection.pk, ApiError("fergus", ErrorKind.TIMEOUT, "timeout"))
    assert breaker_gate(connection.pk, "fergus") == "closed"
    assert CircuitBreaker.objects.get().failures == 1


def test_other_connections_and_the_other_api_are_unaffected(connection):
    other = connection_create(name="other", clinic_name="Other", cliniko_api_key="k2-au1",
                              fergus_token="fergPAT_y", user_agent_email="ops@o.example")
    for _ in range(3):
        breaker_failure(connection.pk, "fergus")
    assert breaker_gate(connection.pk, "fergus") == "open"
    assert breaker_gate(connection.pk, "cliniko") == "closed"
    assert breaker_gate(other.pk, "fergus") == "closed"
