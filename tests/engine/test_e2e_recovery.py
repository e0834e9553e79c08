"""A crash mid-backfill, approval holds, unmatched practitioners, dry runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.cliniko import models as cm
from sandbox.fergus import models as fm
from sync.clients.fergus import FergusClient
from sync.dryrun import connection_dry_run
from sync.engine import connection_backfill, connection_sync
from sync.models import CrossReference, WorkItem

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_a_crash_right_after_fergus_committed_resumes_with_one_customer_per_patient(
        live, monkeypatch):
    real_create = FergusClient.customer_create
    calls = {"n": 0}

    def dies_after_the_third_commit(self, payload):
        result = real_create(self, payload)
        calls["n"] += 1
        if calls["n"] == 3:
            raise SystemExit("worker killed")  # the process dies: nothing below runs
        return result

    monkeypatch.setattr(FergusClient, "customer_create", dies_after_the_third_commit)
    with pytest.raises(SystemExit):
        connection_backfill(live.connection, time_budget=60)
    stuck = WorkItem.objects.filter(state="in_flight")
    assert stuck.filter(started_at__isnull=False).count() == 1  # the one being sent
    # Restarted later: the dead worker's claim has lapsed.
    stuck.update(claimed_until=timezone.now() - timedelta(seconds=1))
    monkeypatch.setattr(FergusClient, "customer_create", real_create)
    connection_backfill(live.connection, time_budget=120)

    patients = cm.Patient.objects.filter(account_id=live.clinic.account_id,
                                         archived_at__isnull=True).count()
    linked = CrossReference.objects.filter(object_type="patient", fergus_id__isnull=False)
    customers = fm.Customer.objects.filter(company_id=live.company.company_id,
                                           deleted_at__isnull=True)
    assert linked.count() == patients
    assert customers.count() == linked.values("fergus_id").distinct().count()
    assert not WorkItem.objects.filter(state__in=["in_flight", "pending", "unknown"]).exists()


def test_new_invoices_wait_for_approval_when_the_hold_is_on(live):
    from mappings.models import ApprovalSetting, HeldRecord
    from mappings.services import held_record_approve
    from sync.replay import work_items_replay

    ApprovalSetting.objects.filter(connection=live.connection, kind="invoice_job").update(
        hold_new=True)
    run = connection_sync(live.connection)
    assert run.held >= 1
    assert not fm.Job.objects.exists()
    held = HeldRecord.objects.filter(connection=live.connection, kind="invoice_job").first()
    held_record_approve(held, None)
    work_items_replay(WorkItem.objects.filter(state="held", cliniko_id=held.cliniko_id))
    connection_sync(live.connection)
    xref = CrossReference.objects.get(object_type="invoice", cliniko_id=held.cliniko_id)
    assert fm.Job.objects.filter(pk=xref.fergus_id).exists()


def test_an_appointment_of_a_practitioner_without_a_fergus_user_is_unassigned_and_reported(live):
    fm.User.objects.filter(company_id=live.company.company_id, is_owner=False).update(
        email="someone.else@example.com")
    run = connection_sync(live.connection)
    events = fm.CalendarEvent.objects.filter(company_id=live.company.company_id)
    assert events.exists() and not events.exclude(user__isnull=True).exists()
    assert any("has no Fergus user" in w for w in run.warnings)


def test_a_dry_run_classifies_like_the_real_run_and_writes_nothing(live):
    report = connection_dry_run(live.connection)
    assert not fm.Customer.objects.exists() and not fm.CalendarEvent.objects.exists()
    assert not WorkItem.objects.exists() and not CrossReference.objects.exists()
    predicted = report.by_type["patient"].get("created", 0)
    assert predicted > 0 and report.fergus_writes["customer_create"] == predicted

    run = connection_backfill(live.connection, time_budget=120)[0]
    assert run.created >= predicted
    assert CrossReference.objects.filter(object_type="patient").count() == predicted


def test_a_cliniko_outage_does_not_stop_queued_items_reaching_fergus(live):
    from datetime import timedelta as td

    from sandbox.faults import faults_set
    from sync.engine import connection_sync as sync_once

    sync_once(live.connection, push_limit=0)  # pull only: everything is queued
    queued = WorkItem.objects.filter(state="pending", object_type="patient").count()
    assert queued > 0
    faults_set(f"cliniko:{live.clinic.account_id}", outage_until=timezone.now() + td(minutes=5))
    run = sync_once(live.connection)
    assert "pull stopped" in run.error and run.status == "partial"
    assert not WorkItem.objects.filter(state="pending", object_type="patient").exists()
    assert CrossReference.objects.filter(object_type="patient").count() >= queued - 1


def test_an_unexpected_error_fails_the_run_instead_of_leaving_it_running(live, monkeypatch):
    import sync.engine
    from sync.models import SyncRun

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(sync.engine, "connection_pull", broken)
    with pytest.raises(RuntimeError):
        sync.engine.connection_sync(live.connection)
    run = SyncRun.objects.get()
    assert run.status == "failed" and run.error == "internal error: RuntimeError"
    assert run.finished_at is not None
