"""429 storms from both simulators under scaled-down limits: nothing is sent before the
advertised reset, peak rates stay under the limits, and everything still completes."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from sandbox.cliniko import models as cm
from sandbox.faults import faults_set
from sync.engine import connection_backfill, connection_sync
from tests.resilience.helpers import baseline, customers_per_patient, drain, new_patients

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
WINDOW = 3
LIMITS = {"cliniko": 24, "fergus": 12}


@pytest.fixture
def sent(monkeypatch):
    """Every request the clients send: (api, sent at, answered at, status, headers)."""
    log: list[tuple[str, float, float, int, dict]] = []
    real = requests.Session.request

    def request(self, method, url, **kwargs):  # type: ignore[no-untyped-def]
        started = time.time()
        response = real(self, method, url, **kwargs)
        api = "cliniko" if "/cliniko/" in url else "fergus"
        log.append((api, started, time.time(), response.status_code, dict(response.headers)))
        return response

    monkeypatch.setattr(requests.Session, "request", request)
    return log


def advertised_reset(api: str, answered: float, headers: dict) -> float:
    if api == "cliniko":
        return float(headers["X-RateLimit-Reset"])
    return answered + float(headers["retry-after"])


def storm(scope: str) -> None:
    faults_set(scope, storm_until=timezone.now() + timedelta(seconds=2), storm_retry_seconds=2)


def test_storms_are_waited_out_and_peak_rates_stay_under_the_limits(make_live, settings, sent):
    live = make_live(patients=2)
    baseline(live)
    connection_backfill(live.connection, time_budget=60)  # unpaced: not what is measured
    settings.CLINIKO_RATE_LIMIT = LIMITS["cliniko"]
    settings.FERGUS_RATE_LIMIT = LIMITS["fergus"]
    settings.RATE_WINDOW_SECONDS = WINDOW
    admin_user = cm.ApiKey.objects.filter(user__account_id=live.clinic.account_id,
                                          user__role="administrator").first().user_id
    faults_set(f"cliniko:{admin_user}", rate_limit=LIMITS["cliniko"], rate_window_seconds=WINDOW)
    faults_set(live.fergus_scope, rate_limit=LIMITS["fergus"], rate_window_seconds=WINDOW)
    new_patients(live, 3, "storm")
    connection_sync(live.connection, push_limit=0)  # queued, not yet pushed
    sent.clear()
    storm(live.fergus_scope)
    drain(live, until=time.monotonic() + 2.5, pull=False)
    new_patients(live, 2, "later")
    storm(live.cliniko_scope)
    drain(live, until=time.monotonic() + 2.5)

    storms = [(api, answered, advertised_reset(api, answered, headers))
              for api, _, answered, status, headers in sent if status == 429]
    assert {api for api, _, _ in storms} == {"cliniko", "fergus"}
    early = [(api, s) for api, s, *_ in sent for other, answered, reset in storms
             if api == other and answered < s < reset - 0.01]
    assert early == []
    for api, limit in LIMITS.items():
        times = sorted(s for a, s, *_ in sent if a == api)
        peak = max(sum(1 for t in times if start <= t < start + WINDOW) for start in times)
        assert peak <= limit, (api, peak)
    assert customers_per_patient(live)[:2] == (0, 0)
