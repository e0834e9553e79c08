"""A mismatch's life: matched across runs, re-synced, resolved, ignored."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reports.models import Mismatch
from sandbox.fergus import backdoor
from sync.engine import connection_sync
from sync.models import CrossReference
from tests.reports.helpers import backfilled, manager, reconciled

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_a_re_sync_pressed_in_the_report_resolves_the_mismatch_once_the_worker_ran(live):
    backfilled(live)
    patient = CrossReference.objects.filter(object_type="patient", state="linked").first()
    backdoor.customer_edit(patient.fergus_id, full_name="Typed Wrong")
    backdoor.customer_edit(CrossReference.objects.filter(object_type="patient", state="linked")
                           .last().fergus_id, full_name="Left Alone")
    first = reconciled(live)
    drift = Mismatch.objects.get(cliniko_id=patient.cliniko_id, kind="field_drift")
    ignored = Mismatch.objects.exclude(pk=drift.pk).get(kind="field_drift")

    second = reconciled(live)  # found again: the same row, updated
    assert Mismatch.objects.filter(kind="field_drift").count() == 2
    drift.refresh_from_db()
    assert (drift.first_run_id, drift.run_id) == (first.pk, second.pk)
    assert second.new == 0

    client = Client()
    client.force_login(manager("mia", live.connection))
    client.post(reverse("reports:mismatch_ignore", args=[ignored.pk]), {"reason": "known"})
    client.post(reverse("reports:mismatch_resync"), {"one": drift.pk})
    drift.refresh_from_db()
    assert drift.state == "open" and drift.resync_item is not None

    connection_sync(live.connection)  # stands in for the worker
    client.get(reverse("reports:mismatches"))
    drift.refresh_from_db()
    assert drift.state == "resolved_by_resync"

    third = reconciled(live)
    assert third.counts == {"field_drift": 1}  # the ignored one is still seen, still ignored
    ignored.refresh_from_db()
    assert ignored.state == "ignored" and ignored.run_id == third.pk
    drift.refresh_from_db()
    assert drift.state == "resolved_by_resync"


def test_a_mismatch_fixed_elsewhere_is_resolved_by_the_next_run_and_reopened_if_it_returns(live):
    clients = backfilled(live)
    patient = CrossReference.objects.filter(object_type="patient", state="linked").first()
    original = clients.fergus.customer(patient.fergus_id).write_payload()
    backdoor.customer_edit(patient.fergus_id, full_name="Typed Wrong")
    reconciled(live)
    clients.fergus.customer_update(patient.fergus_id, original)  # the office undoes it
    run = reconciled(live)
    assert run.resolved == 1
    drift = Mismatch.objects.get(kind="field_drift")
    assert drift.state == "resolved_by_next_run"
    backdoor.customer_edit(patient.fergus_id, full_name="Typed Wrong Again")
    reconciled(live)
    drift.refresh_from_db()
    assert drift.state == "open" and Mismatch.objects.count() == 1
