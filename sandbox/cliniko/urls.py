"""Routes under /cliniko/<shard>/v1/ (the shard segment stands in for api.<shard>.cliniko.com)."""

from __future__ import annotations

from django.urls import path

from sandbox.cliniko import views, writes

_READ_ONLY = [
    "practitioners",
    "users",
    "businesses",
    "appointment_types",
    "group_appointments",
    "attendees",
    "invoices",
    "invoice_items",
    "taxes",
]

urlpatterns = [
    path("user", views.current_user),
    path("patients", writes.patients),
    path("patients/<str:record_id>", writes.patient),
    path("patients/<str:record_id>/archive", writes.patient_archive),
    path("patients/<str:record_id>/unarchive", writes.patient_unarchive),
    path("individual_appointments", writes.individual_appointments),
    path("individual_appointments/<str:record_id>", writes.individual_appointment),
    path("individual_appointments/<str:record_id>/cancel", writes.individual_appointment_cancel),
    path("individual_appointments/<str:record_id>/archive", writes.individual_appointment_archive),
    path("practitioners/inactive", views.practitioners_inactive),
    path("bookings", views.bookings_list),
    path("bookings/<str:record_id>", views.bookings_show),
    path("invoices/<str:record_id>/invoice_items", views.invoice_items_of_invoice),
]
for _name in _READ_ONLY:
    urlpatterns += [
        path(_name, views.resource_list(_name)),
        path(f"{_name}/<str:record_id>", views.resource_show(_name)),
    ]
