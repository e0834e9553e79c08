"""Fergus creates that commit and then answer too late: looked up, never doubled."""

from __future__ import annotations

import time

import pytest

from sandbox.faults import faults_set
from sync.engine import connection_backfill
from sync.models import CrossReference, WorkAttempt, WorkItem
from tests.resilience.helpers import baseline, customers_per_patient, drain

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _late_commit_run(live, settings, *, with_email: bool) -> None:
    settings.HTTP_TIMEOUT_SECONDS = 0.4
    baseline(live)
    connection_backfill(live.connection, time_budget=60)
    faults_set(live.fergus_scope, late_commit_rate=0.25, late_commit_seconds=0.8)
    for n in range(16):
        data = {"first_name": f"Late{n}", "last_name": "Commit"}
        if with_email:
            data["email"] = f"late{n}@commit.example"
        live.cliniko.create("patients", data)
    drain(live, until=time.monotonic())


def test_creates_that_time_out_after_committing_end_done_with_the_real_id_and_no_duplicate(
        make_live, settings):
    live = make_live(patients=4)
    _late_commit_run(live, settings, with_email=True)

    assert WorkAttempt.objects.filter(work_item__connection=live.connection,
                                      error_kind="timeout").exists()  # the fault happened
    missing, doubled, _ = customers_per_patient(live)
    assert (missing, doubled) == (0, 0)
    patients = WorkItem.objects.filter(connection=live.connection, object_type="patient")
    assert not patients.exclude(state="done").exists()
    for item in patients.filter(attempt_rows__error_kind="timeout").distinct():
        xref = CrossReference.objects.get(connection=live.connection, object_type="patient",
                                          cliniko_id=item.cliniko_id)
        assert xref.fergus_id and item.outcome in ("created", "matched", "updated", "unchanged")


def test_a_late_committed_create_of_a_patient_without_an_email_is_not_doubled(
        make_live, settings):
    live = make_live(patients=4)
    _late_commit_run(live, settings, with_email=False)
    assert customers_per_patient(live)[:2] == (0, 0)
