"""Each mismatch kind, seeded through the simulators' back doors, against a live backfill."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reports.models import Mismatch
from sandbox.fergus import backdoor
from sandbox.fergus import models as fm
from sync.models import CrossReference, ReferenceRecord, WorkItem
from tests.reports.helpers import backfilled, open_kinds, reconciled

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def xref(object_type, **kw):
    return CrossReference.objects.filter(object_type=object_type, state="linked",
                                         fergus_id__isnull=False, **kw).order_by("pk")


def test_it_finds_nothing_to_report_right_after_a_clean_backfill(live):
    backfilled(live)
    run = reconciled(live)
    assert run.counts == {}, run.counts
    assert run.checked["patients"] >= 12 and run.checked["appointments"] > 0
    assert not Mismatch.objects.exists()


def test_it_reports_hand_edits_deletions_duplicates_drift_and_double_bookings(live):
    clients = backfilled(live)
    patient = xref("patient").first()
    backdoor.customer_edit(patient.fergus_id, full_name="Edited By Hand")
    gone_event = xref("appointment").first()
    backdoor.event_delete(gone_event.fergus_id)
    moved = xref("appointment").exclude(pk=gone_event.pk).first()
    event = clients.fergus.event(moved.fergus_id)
    clients.fergus.event_update(event.id, event.title, event.start + timedelta(hours=2),
                                event.end + timedelta(hours=2), user_id=event.user_id)
    # A copy of a customer typed in by the office: same e-mail, no link.
    original = clients.fergus.customer(xref("patient").last().fergus_id)
    payload = original.write_payload()
    payload["customerFullName"] = "Somebody Else"
    clients.fergus.customer_create(payload)
    # The office books a meeting over a synced appointment, for the same user.
    target = clients.fergus.event(xref("appointment").last().fergus_id)
    clients.fergus.event_create("Staff meeting", target.start, target.end,
                                user_id=target.user_id)

    run = reconciled(live)

    assert run.counts.get("field_drift") == 1
    drift = Mismatch.objects.get(kind="field_drift")
    assert (drift.cliniko_id, drift.field) == (patient.cliniko_id, "customerFullName")
    assert drift.values()["fergus"] == "Edited By Hand"
    assert "Edited By Hand" not in drift.values_ciphertext
    gone = Mismatch.objects.get(kind="fergus_record_gone")
    assert (gone.object_type, gone.cliniko_id) == ("appointment", gone_event.cliniko_id)
    drifted = Mismatch.objects.filter(kind="appointment_drift", cliniko_id=moved.cliniko_id)
    assert {m.field for m in drifted} == {"startTime", "endTime"}
    duplicate = Mismatch.objects.get(kind="duplicate_customers")
    assert duplicate.detail["customer_ids"][0] == original.id
    assert len(duplicate.detail["customer_ids"]) == 2
    booking = Mismatch.objects.get(kind="double_booking")
    assert target.id in booking.detail["event_ids"]
    assert booking.detail["user_id"] == target.user_id


def test_a_fergus_invoice_marked_paid_while_cliniko_says_open_is_an_invoice_mismatch(live):
    from sandbox.cliniko import models as cm

    backfilled(live)
    link = xref("invoice").first()
    cm.Invoice.objects.filter(pk=int(link.cliniko_id)).update(status=10)
    invoice = backdoor.invoice_raise(link.fergus_id)
    backdoor.invoice_mark_paid(invoice.pk)

    reconciled(live)

    found = {m.field: m for m in Mismatch.objects.filter(kind="invoice_mismatch",
                                                          cliniko_id=link.cliniko_id)}
    assert found["status"].values() == {"cliniko": "unpaid", "fergus": "paid"}
    assert found["status"].detail["invoice_id"] == invoice.pk


def test_it_reports_missing_records_dead_items_and_practitioners_without_a_user(live):
    backfilled(live)
    patient = xref("patient").first()
    patient.delete()  # the link is lost: Fergus never heard of this patient
    skipped = xref("patient").first()
    skipped.delete()
    WorkItem.objects.filter(object_type="patient", cliniko_id=skipped.cliniko_id).update(
        state="skipped")
    dead = WorkItem.objects.filter(object_type="invoice").order_by("pk").first()
    WorkItem.objects.filter(pk=dead.pk).update(state="dead")
    # A practitioner's Fergus user changes e-mail: nobody to assign the events to.
    practitioner_email = live.clinic.practitioner_emails[0]
    fm.User.objects.filter(email=practitioner_email).update(email="someone@else.example")
    ReferenceRecord.objects.all().delete()

    reconciled(live)

    missing = Mismatch.objects.filter(kind="missing_in_fergus")
    assert list(missing.values_list("cliniko_id", flat=True)) == [patient.cliniko_id]
    assert Mismatch.objects.get(kind="dead_work_item").cliniko_id == dead.cliniko_id
    assert open_kinds(live)["practitioner_without_fergus_user"] == 1
