"""Per-resource list configuration: model, rendering, filter whitelist (reference §4.2),
rows hidden by default."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from sandbox.cliniko import models as m
from sandbox.cliniko import render
from sandbox.cliniko.api import Ctx
from sandbox.cliniko.query import Field

DT, D, INT, STR, BOOL = (
    Field("datetime"),
    Field("date"),
    Field("int"),
    Field("str"),
    Field("bool"),
)
_STAMPS = {"created_at": DT, "updated_at": DT, "id": INT}


def _group_patient_ids(qs: QuerySet, op: str, value: str) -> QuerySet:
    return qs.filter(attendee_set__patient_id=int(value)).distinct()


def _business_type_ids(qs: QuerySet, op: str, value: str) -> QuerySet:
    # Every appointment type is offered at every simulated business.
    exists = m.AppointmentType.objects.filter(pk=int(value), archived_at__isnull=True).exists()
    return qs if exists else qs.none()


def _no_rows(qs: QuerySet, op: str, value: str) -> QuerySet:
    return qs.none()  # reminder-template arrays are always empty in the simulator


@dataclass
class Resource:
    plural: str
    model: type
    render: Callable[[Any, str], dict]
    filters: dict[str, Field]
    hidden: tuple[str, ...] = ("archived_at",)
    sortable: set[str] = field(default_factory=set)
    prefetch: tuple[str, ...] = ()

    def queryset(self, ctx: Ctx) -> QuerySet:
        qs = self.model.objects.filter(account=ctx.account)
        return qs.prefetch_related(*self.prefetch) if self.prefetch else qs

    def sort_columns(self) -> set[str]:
        names = {f.name for f in self.model._meta.concrete_fields}
        return names | {f.attname for f in self.model._meta.concrete_fields}


_APPT = {
    **_STAMPS,
    "appointment_type_id": INT,
    "archived_at": DT,
    "business_id": INT,
    "deleted_at": DT,
    "ends_at": DT,
    "practitioner_id": INT,
    "repeated_from_id": INT,
    "starts_at": DT,
}

RESOURCES: dict[str, Resource] = {
    r.plural: r
    for r in [
        Resource(
            "patients",
            m.Patient,
            render.patient,
            {
                **_STAMPS,
                "accepted_privacy_policy": BOOL,
                "archived_at": DT,
                "date_of_birth": D,
                "email": STR,
                "first_name": STR,
                "last_name": STR,
                "old_reference_id": STR,
                "preferred_first_name": STR,
            },
        ),
        Resource(
            "practitioners",
            m.Practitioner,
            render.practitioner,
            {
                **_STAMPS,
                "active": BOOL,
                "show_in_online_bookings": BOOL,
                "user_id": INT,
            },
            hidden=(),
        ),
        Resource("users", m.User, render.user, dict(_STAMPS), hidden=()),
        Resource(
            "businesses",
            m.Business,
            lambda b, base: b,
            {
                **_STAMPS,
                "appointment_type_ids": Field("array", apply=_business_type_ids),
                "archived_at": DT,
                "deleted_at": DT,
                "show_in_online_bookings": BOOL,
            },
        ),
        Resource(
            "appointment_types",
            m.AppointmentType,
            render.appointment_type,
            {
                **_STAMPS,
                "archived_at": DT,
                "category": STR,
                "online_payments_mode": STR,
                "show_in_online_bookings": BOOL,
                "appointment_confirmation_template_ids": Field("array", apply=_no_rows),
                "appointment_follow_up_template_ids": Field("array", apply=_no_rows),
                "appointment_reminder_template_ids": Field("array", apply=_no_rows),
            },
        ),
        Resource(
            "individual_appointments",
            m.IndividualAppointment,
            render.individual_appointment,
            {
                **_APPT,
                "cancelled_at": DT,
                "did_not_arrive": BOOL,
                "patient_id": INT,
            },
            hidden=("archived_at", "cancelled_at"),
        ),
        Resource(
            "group_appointments",
            m.GroupAppointment,
            render.group_appointment,
            {
                **_APPT,
                "patient_ids": Field("array", apply=_group_patient_ids),
            },
            prefetch=("attendee_set",),
        ),
        Resource(
            "attendees",
            m.Attendee,
            render.attendee,
            {
                **_STAMPS,
                "appointment_id": Field("int", "booking_id"),
                "archived_at": DT,
                "booking_id": INT,
                "cancelled_at": DT,
                "deleted_at": DT,
                "patient_case_id": Field("int", apply=_no_rows),
                "patient_id": INT,
            },
            hidden=("archived_at", "cancelled_at"),
        ),
        Resource(
            "invoices",
            m.Invoice,
            render.invoice,
            {
                **_STAMPS,
                "appointment_id": INT,
                "archived_at": DT,
                "attendee_id": INT,
                "business_id": INT,
                "closed_at": DT,
                "deleted_at": DT,
                "issue_date": D,
                "number": INT,
                "original_invoice_id": INT,
                "patient_id": INT,
                "practitioner_id": INT,
                "status": INT,
            },
        ),
        Resource(
            "invoice_items",
            m.InvoiceItem,
            render.invoice_item,
            {
                **_STAMPS,
                "archived_at": DT,
                "deleted_at": DT,
                "invoice_id": INT,
                "source_item_id": INT,
            },
        ),
        Resource("taxes", m.Tax, render.tax, dict(_STAMPS), hidden=()),
    ]
}

# Bookings is a union; these are its filters (reference §4.2), applied per concrete type.
BOOKING_FILTERS: dict[str, Field] = {
    **_APPT,
    "cancelled_at": DT,
    "did_not_arrive": BOOL,
    "email_reminder_sent": BOOL,
    "invoice_status": INT,
    "patient_ids": Field("array"),
    "sms_reminder_sent": BOOL,
    "treatment_note_status": INT,
}
