"""Circuit breaker per connection and API, kept in the database so every worker agrees.

Closed: requests flow. After BREAKER_THRESHOLD retryable failures in a row (5xx,
429 storms, timeouts, network errors) it opens: no requests to that API for that
connection except one probe per BREAKER_PROBE_SECONDS, claimed with a conditional
update so only one worker probes. A success closes it and the backlog drains on the
next pass. Other connections have their own rows and are unaffected.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from sync.models import CircuitBreaker

log = logging.getLogger("sync.breaker")
State = CircuitBreaker.State
Gate = Literal["closed", "probe", "open"]


def _threshold() -> int:
    return int(getattr(settings, "BREAKER_THRESHOLD", 5))


def _probe_seconds() -> float:
    return float(getattr(settings, "BREAKER_PROBE_SECONDS", 30.0))


def breaker_gate(connection_id: int, api: str) -> Gate:
    """closed: go ahead. probe: send one request (this caller won the probe). open: wait."""
    row = CircuitBreaker.objects.filter(connection_id=connection_id, api=api).values(
        "state", "next_probe_at").first()
    if row is None or row["state"] == State.CLOSED:
        return "closed"
    now = timezone.now()
    if row["next_probe_at"] and row["next_probe_at"] > now:
        return "open"
    won = CircuitBreaker.objects.filter(
        connection_id=connection_id, api=api, state=State.OPEN,
        next_probe_at=row["next_probe_at"],
    ).update(next_probe_at=now + timedelta(seconds=_probe_seconds()))
    return "probe" if won else "open"


def breaker_failure(connection_id: int, api: str, reason: str = "") -> bool:
    """Count a retryable failure; returns True when the breaker is (now) open."""
    breaker, _ = CircuitBreaker.objects.get_or_create(connection_id=connection_id, api=api)
    CircuitBreaker.objects.filter(pk=breaker.pk).update(failures=F("failures") + 1,
                                                        last_error=reason[:300])
    breaker.refresh_from_db()
    now = timezone.now()
    if breaker.state == State.OPEN:
        CircuitBreaker.objects.filter(pk=breaker.pk).update(
            next_probe_at=now + timedelta(seconds=_probe_seconds()))
        return True
    if breaker.failures >= _threshold():
        opened = CircuitBreaker.objects.filter(pk=breaker.pk, state=State.CLOSED).update(
            state=State.OPEN, opened_at=now,
            next_probe_at=now + timedelta(seconds=_probe_seconds()))
        if opened:
            log.warning("%s breaker of connection %s opened after %s failures", api,
                        connection_id, breaker.failures)
        return True
    return False


def breaker_success(connection_id: int, api: str) -> None:
    reopened = CircuitBreaker.objects.filter(connection_id=connection_id, api=api,
                                             state=State.OPEN).update(
        state=State.CLOSED, failures=0, opened_at=None, next_probe_at=None, last_error="")
    CircuitBreaker.objects.filter(connection_id=connection_id, api=api, failures__gt=0).update(
        failures=0, last_error="")
    if reopened:
        log.info("%s breaker of connection %s closed", api, connection_id)
        _backlog_due_now(connection_id)


def _backlog_due_now(connection_id: int) -> None:
    """Recovery: items backing off because of the outage are due at once, not in up to
    a cap's worth of minutes."""
    from sync.clients.base import ErrorKind
    from sync.models import WorkItem

    WorkItem.objects.filter(
        connection_id=connection_id, state__in=[WorkItem.State.RETRY, WorkItem.State.UNKNOWN],
        last_error_kind__in=sorted(ErrorKind.RETRYABLE),
    ).update(next_attempt_at=None)


def breaker_open_since(connection_id: int) -> dict[str, object]:
    """{api: opened_at} of the connection's open breakers (for alerts and health)."""
    return dict(CircuitBreaker.objects.filter(connection_id=connection_id, state=State.OPEN)
                .values_list("api", "opened_at"))


def breaker_observe(connection_id: int, error: object, *, api: str = "") -> None:
    """The engine's hook: a retryable ApiError counts as a failure of its API; any other
    answer (`error` None, or a permanent error such as a 422) shows the API is up."""
    from sync.clients.base import ApiError

    if isinstance(error, ApiError):
        if error.retryable:
            breaker_failure(connection_id, error.api, str(error))
        elif error.kind not in ("auth", "forbidden"):
            breaker_success(connection_id, error.api)
        return
    if api:
        breaker_success(connection_id, api)
