"""Patients end to end, over real HTTP against both simulators."""

from __future__ import annotations

import pytest

from sandbox.cliniko import models as cm
from sandbox.fergus import models as fm
from sync.engine import connection_backfill, connection_sync
from sync.models import CrossReference, WorkItem

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def fergus_customers(live):
    return fm.Customer.objects.filter(company_id=live.company.company_id, deleted_at__isnull=True)


def test_a_backfill_mirrors_each_patient_once_and_a_quiet_poll_costs_nothing(live):
    runs = connection_backfill(live.connection, time_budget=120)
    assert runs and runs[-1].status in ("ok", "partial")
    assert not WorkItem.objects.filter(state__in=["dead", "pending", "retry", "unknown",
                                                   "in_flight"]).exists(), list(
        WorkItem.objects.exclude(state__in=["done", "skipped"]).values_list(
            "object_type", "state", "last_error"))
    live_patients = cm.Patient.objects.filter(account_id=live.clinic.account_id,
                                              archived_at__isnull=True)
    linked = CrossReference.objects.filter(object_type="patient", fergus_id__isnull=False)
    assert linked.count() == live_patients.count()
    assert linked.values("fergus_id").distinct().count() <= fergus_customers(live).count()

    quiet = connection_sync(live.connection)
    assert quiet.queued == 0
    assert quiet.fergus_requests == 0
