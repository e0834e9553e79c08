"""Patients, appointments and invoices end to end, over real HTTP against both simulators."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from sandbox.cliniko import models as cm
from sandbox.fergus import backdoor
from sandbox.fergus import models as fm
from sync.engine import connection_backfill, connection_sync, record_resync
from sync.models import CrossReference, WorkItem

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def new_patient(live, **fields):
    body = {"first_name": "Quentin", "last_name": "Oyelaran-Tasker",
            "email": "quentin.ot@example.com.au", "address_1": "7 Wattle Road",
            "city": "Brighton", "state": "VIC", "post_code": "3186",
            "patient_phone_numbers": [{"phone_type": "Mobile", "number": "0412 555 019"}]}
    body.update(fields)
    return live.cliniko.create("patients", body)


def customer_of(live, patient_id):
    xref = CrossReference.objects.get(object_type="patient", cliniko_id=str(patient_id))
    return fm.Customer.objects.select_related("main_contact").get(pk=xref.fergus_id), xref


def first(live, resource):
    return getattr(live.cliniko, resource)()[0]


def test_a_patient_edited_twice_between_polls_is_pushed_once_with_the_final_values(live):
    connection_backfill(live.connection, time_budget=120)
    patient = new_patient(live)
    live.cliniko.update("patients", patient.id, {"last_name": "Middle-Value"})
    live.cliniko.update("patients", patient.id, {"last_name": "Final-Value"})
    run = connection_sync(live.connection)
    assert run.created == 1 and run.failed == 0
    assert WorkItem.objects.filter(cliniko_id=patient.id).count() == 1
    customer, _ = customer_of(live, patient.id)
    assert customer.full_name == "Quentin Final-Value"
    notes = fm.Note.objects.filter(entity_name="customer", entity_id=customer.pk)
    assert [n.text for n in notes] == [f"Cliniko patient {patient.id}"]


def test_an_unchanged_patient_costs_no_fergus_write_and_an_edit_one_put(live):
    patient = new_patient(live)
    connection_sync(live.connection)
    quiet = connection_sync(live.connection)
    assert quiet.fergus_requests == 0
    live.cliniko.update("patients", patient.id, {"email": "q.new@example.com.au"})
    edited = connection_sync(live.connection)
    assert edited.updated == 1
    customer, _ = customer_of(live, patient.id)
    assert "q.new@example.com.au" in [i["contactValue"] for i in customer.main_contact.items]


def test_an_archived_patient_keeps_its_customer_and_its_site_is_archived(live):
    patient = new_patient(live)
    connection_sync(live.connection)
    customer, xref = customer_of(live, patient.id)
    site = fm.Site.objects.get(pk=xref.extra["site_id"])
    assert not site.is_archived
    live.cliniko.archive("patients", patient.id)
    run = connection_sync(live.connection)
    assert run.failed == 0
    xref.refresh_from_db()
    site.refresh_from_db()
    assert xref.state == "archived" and site.is_archived
    assert fm.Customer.objects.filter(pk=customer.pk, deleted_at__isnull=True).exists()


def test_two_patients_sharing_an_email_stay_two_customers_and_the_clash_is_reported(live):
    a = new_patient(live, first_name="Ann", email="family@example.com.au")
    b = new_patient(live, first_name="Ben", email="family@example.com.au")
    run = connection_sync(live.connection)
    ids = {customer_of(live, a.id)[0].pk, customer_of(live, b.id)[0].pk}
    assert len(ids) == 2
    assert any("shares its e-mail" in w for w in run.warnings)
    assert not any("family@" in w for w in run.warnings)


def _book(live, business_name_zone: str, local: datetime, minutes: int = 45):
    business = next(b for b in live.cliniko.businesses()
                    if b.raw["time_zone_identifier"] == business_name_zone)
    practitioner = live.cliniko.practitioners()[0]
    appointment_type = live.cliniko.appointment_types()[0]
    patient = new_patient(live)
    starts = local.astimezone(UTC)
    return live.cliniko.create("individual_appointments", {
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ends_at": (starts.replace() + __import__("datetime").timedelta(minutes=minutes))
        .strftime("%Y-%m-%dT%H:%M:%SZ"),
        "patient_id": patient.id, "practitioner_id": practitioner.id,
        "appointment_type_id": appointment_type.id, "business_id": business.id,
    })


def test_an_appointment_on_the_sydney_dst_day_is_booked_rescheduled_and_cancelled(live):
    from zoneinfo import ZoneInfo

    sydney = ZoneInfo("Australia/Sydney")
    # 4 October 2026: clocks go from 02:00 to 03:00. 10:00 local is 23:00Z the day before.
    appt = _book(live, "Australia/Sydney", datetime(2026, 10, 4, 10, 0, tzinfo=sydney))
    connection_sync(live.connection)
    xref = CrossReference.objects.get(object_type="appointment", cliniko_id=appt.id)
    event = fm.CalendarEvent.objects.get(pk=xref.fergus_id)
    assert event.start_time == datetime(2026, 10, 3, 23, 0, tzinfo=UTC)
    assert event.end_time == datetime(2026, 10, 3, 23, 45, tzinfo=UTC)
    assert event.event_type == "OTHER" and event.user_id is not None
    assert "10:00" in event.description and f"Cliniko appointment {appt.id}" in event.description

    live.cliniko.update("individual_appointments", appt.id, {
        "starts_at": "2026-10-04T01:10:00Z", "ends_at": "2026-10-04T02:00:00Z"})
    run = connection_sync(live.connection)
    assert run.updated == 1
    event.refresh_from_db()
    # 12:10 local (AEDT, +11) snapped down to 12:00; the end 13:00 stays.
    assert event.start_time == datetime(2026, 10, 4, 1, 0, tzinfo=UTC)
    assert event.end_time == datetime(2026, 10, 4, 2, 0, tzinfo=UTC)
    assert fm.CalendarEvent.objects.filter(pk=event.pk).count() == 1

    live.cliniko.cancel_appointment(appt.id, 50, "unwell")
    run = connection_sync(live.connection)
    assert run.deleted == 1
    assert not fm.CalendarEvent.objects.filter(pk=event.pk, is_active=True).exists()
    xref.refresh_from_db()
    assert xref.state == "deleted"


def test_an_adelaide_booking_keeps_its_local_time_in_the_description(live):
    from zoneinfo import ZoneInfo

    adelaide = ZoneInfo("Australia/Adelaide")
    appt = _book(live, "Australia/Adelaide", datetime(2026, 6, 15, 9, 30, tzinfo=adelaide))
    connection_sync(live.connection)
    xref = CrossReference.objects.get(object_type="appointment", cliniko_id=appt.id)
    event = fm.CalendarEvent.objects.get(pk=xref.fergus_id)
    # 09:30 ACST (+9:30) is 00:00Z exactly.
    assert event.start_time == datetime(2026, 6, 15, 0, 0, tzinfo=UTC)
    assert "9:30" in event.description


def _taxable_invoice(live):
    """An invoice whose items all carry 10% GST (seeded directly: invoices are read-only)."""
    account_id = live.clinic.account_id
    patient = cm.Patient.objects.filter(account_id=account_id, archived_at__isnull=True)\
        .exclude(address_1="").first()
    template = cm.Invoice.objects.filter(account_id=account_id).first()
    invoice = cm.Invoice.objects.create(
        account_id=account_id, number=99001, issue_date=template.issue_date, status=10,
        net_amount=Decimal("150.00"), tax_amount=Decimal("15.00"),
        total_amount=Decimal("165.00"), patient_id=patient.pk,
        practitioner_id=template.practitioner_id, business_id=template.business_id)
    for name, qty, price in (("Walking frame hire", Decimal("1"), Decimal("90.00")),
                             ("Theraband", Decimal("2"), Decimal("30.00"))):
        net = qty * price
        cm.InvoiceItem.objects.create(
            account_id=account_id, invoice_id=invoice.pk, name=name, quantity=qty,
            unit_price=price, net_price=net, tax_name="GST", tax_rate=Decimal("10"),
            tax_amount=net / 10, total_including_tax=net * Decimal("1.1"))
    return invoice


def test_an_invoice_with_gst_items_becomes_a_charge_up_job_whose_invoice_matches(live):
    invoice = _taxable_invoice(live)
    run = connection_sync(live.connection)
    assert run.dead == 0
    xref = CrossReference.objects.get(object_type="invoice", cliniko_id=str(invoice.pk))
    job = fm.Job.objects.get(pk=xref.fergus_id)
    assert job.job_type == "Charge Up" and job.customer_reference == "99001"
    patient = cm.Patient.objects.get(pk=invoice.patient_id)
    assert job.title == f"Invoice 99001 — {patient.first_name} {patient.last_name}"
    assert fm.Job.objects.filter(customer_reference="99001").count() == 1
    raised = backdoor.invoice_raise(job.pk)
    assert (raised.subtotal, raised.tax_value, raised.subtotal + raised.tax_value) == (
        invoice.net_amount, invoice.tax_amount, invoice.total_amount)
    # A payment in Cliniko changes nothing the job carries: no Fergus write.
    cm.Invoice.objects.filter(pk=invoice.pk).update(status=20)
    cm.Invoice.objects.get(pk=invoice.pk).save()
    again = connection_sync(live.connection)
    assert again.unchanged == 1 and again.fergus_requests == 0


def test_a_resync_writes_even_when_nothing_changed(live):
    patient = new_patient(live)
    connection_sync(live.connection)
    customer, _ = customer_of(live, patient.id)
    backdoor.customer_edit(customer.pk, full_name="Edited By Hand")
    record_resync(live.connection, "patient", patient.id)
    run = connection_sync(live.connection)
    assert run.updated == 1
    customer.refresh_from_db()
    assert customer.full_name == "Quentin Oyelaran-Tasker"
