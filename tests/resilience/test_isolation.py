"""Two connections, one with Fergus down: the healthy one keeps its throughput."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.faults import faults_set
from sync.engine import connection_backfill, connection_sync
from sync.models import CircuitBreaker, WorkItem
from tests.resilience.helpers import baseline, customers_per_patient, new_patients

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_a_fergus_outage_of_one_connection_does_not_slow_the_other(make_live):
    healthy, broken = make_live(patients=2, name="healthy"), make_live(patients=2, name="broken")
    for live in (healthy, broken):
        baseline(live)
        connection_backfill(live.connection, time_budget=60)
    faults_set(broken.fergus_scope, outage_until=timezone.now() + timedelta(seconds=30))
    new_patients(healthy, 8, "ok")
    new_patients(broken, 8, "down")

    broken_seconds, healthy_runs = [], []
    for _ in range(6):
        started = time.monotonic()
        connection_sync(broken.connection, time_budget=10)
        broken_seconds.append(time.monotonic() - started)
        healthy_runs.append(connection_sync(healthy.connection, time_budget=10))

    assert sum(r.created for r in healthy_runs) == 8
    assert not WorkItem.objects.filter(connection=healthy.connection).exclude(
        state__in=["done", "skipped"]).exists()
    assert customers_per_patient(healthy)[:2] == (0, 0)
    assert CircuitBreaker.objects.get(connection=broken.connection, api="fergus").state == "open"
    assert not CircuitBreaker.objects.filter(connection=healthy.connection, state="open").exists()
    # Once open, the broken connection's cycles cost almost nothing (no pushes).
    assert max(broken_seconds[2:]) < 1.0
    assert WorkItem.objects.filter(connection=broken.connection,
                                   state__in=WorkItem.OPEN_STATES).count() >= 8
