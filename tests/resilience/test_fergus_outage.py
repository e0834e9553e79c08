"""A Fergus outage during a steady clinic day (time compressed): nothing lost or doubled."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sandbox.faults import faults_set
from sync.engine import connection_backfill, connection_sync
from sync.models import Alert, CircuitBreaker, WorkItem
from tests.resilience.helpers import baseline, customers_per_patient, drain, new_patients

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_an_outage_queues_the_backlog_drains_it_after_recovery_and_alerts_once(
        make_live, settings):
    settings.ALERT_OUTAGE_SECONDS = 1
    live = make_live(patients=5)
    baseline(live)
    connection_backfill(live.connection, time_budget=60)
    new_patients(live, 3, "before")
    connection_sync(live.connection)

    outage_ends = time.monotonic() + 3
    faults_set(live.fergus_scope, outage_until=timezone.now() + timedelta(seconds=3))
    new_patients(live, 6, "during")
    connection_sync(live.connection)
    queued = WorkItem.objects.filter(connection=live.connection,
                                     state__in=WorkItem.OPEN_STATES).count()
    assert queued >= 6  # the backlog is held, not lost

    drain(live, until=outage_ends + 1.5, evaluate=True)

    missing, doubled, patients = customers_per_patient(live)
    assert (missing, doubled) == (0, 0)
    assert patients == 5 + 3 + 6
    assert not WorkItem.objects.filter(connection=live.connection, state="dead").exists()
    assert CircuitBreaker.objects.get(connection=live.connection, api="fergus").state == \
        "closed"
    outage = Alert.objects.filter(connection=live.connection, kind=Alert.Kind.OUTAGE)
    assert outage.count() == 1 and outage.get().cleared_at is not None
    subjects = [m.subject for m in mail.outbox]
    assert sum("unreachable" in s and "Resolved" not in s for s in subjects) == 1, subjects
    assert sum(s.startswith("[Integration portal] Resolved") for s in subjects) == 1, subjects
