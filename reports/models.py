"""Reconciliation runs, their mismatches, and each connection's reconciliation schedule."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from django.conf import settings
from django.db import models

from sync import crypto
from sync.fields import EncryptedTextField


class ReconciliationRun(models.Model):
    """One comparison of a connection's Cliniko and Fergus records."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        BUTTON = "button", "On demand"
        COMMAND = "command", "Command"

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="reconciliation_runs")
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.BUTTON)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Mismatches found by this run, by kind (open or ignored ones included).
    counts = models.JSONField(default=dict, blank=True)
    checked = models.JSONField(default=dict, blank=True, help_text="Records compared, by type.")
    new = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    cliniko_requests = models.PositiveIntegerField(default=0)
    fergus_requests = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, help_text="Ids and field names only.")

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["connection", "-started_at"], name="recon_recent")]

    def __str__(self) -> str:
        return f"reconciliation {self.pk} ({self.status})"

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class Mismatch(models.Model):
    """A discrepancy, matched across runs by `key` (one row per key and connection)."""

    class Kind(models.TextChoices):
        MISSING_IN_FERGUS = "missing_in_fergus", "Missing in Fergus"
        FERGUS_RECORD_GONE = "fergus_record_gone", "Linked Fergus record gone"
        FIELD_DRIFT = "field_drift", "Field drift"
        DUPLICATE_CUSTOMERS = "duplicate_customers", "Duplicate Fergus customers"
        APPOINTMENT_DRIFT = "appointment_drift", "Appointment time or assignee drift"
        INVOICE_MISMATCH = "invoice_mismatch", "Invoice total, GST or status mismatch"
        DOUBLE_BOOKING = "double_booking", "Double booking"
        PRACTITIONER_WITHOUT_FERGUS_USER = ("practitioner_without_fergus_user",
                                            "Practitioner without a Fergus user")
        DEAD_WORK_ITEM = "dead_work_item", "Dead-lettered work item"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED_BY_RESYNC = "resolved_by_resync", "Resolved by re-sync"
        RESOLVED_BY_NEXT_RUN = "resolved_by_next_run", "Resolved by the next run"
        IGNORED = "ignored", "Ignored"

    class ObjectType(models.TextChoices):
        PATIENT = "patient", "Patient"
        APPOINTMENT = "appointment", "Appointment"
        INVOICE = "invoice", "Invoice"
        PRACTITIONER = "practitioner", "Practitioner"
        CALENDAR_EVENT = "calendar_event", "Fergus calendar event"
        CUSTOMER = "customer", "Fergus customer"

    RESYNCABLE = (ObjectType.PATIENT, ObjectType.APPOINTMENT, ObjectType.INVOICE)

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="mismatches")
    run = models.ForeignKey(ReconciliationRun, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="mismatches", help_text="The last run that found it.")
    first_run = models.ForeignKey(ReconciliationRun, on_delete=models.SET_NULL, null=True,
                                  blank=True, related_name="+")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    cliniko_id = models.CharField(max_length=32, blank=True)
    fergus_id = models.BigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=80, blank=True)
    key = models.CharField(max_length=200)
    # Ids only (other Fergus ids of a duplicate group, a double booking's events).
    detail = models.JSONField(default=dict, blank=True)
    # Encrypted JSON {"cliniko": …, "fergus": …}: patient values, never logged.
    values_ciphertext = EncryptedTextField()
    state = models.CharField(max_length=24, choices=State.choices, default=State.OPEN)
    ignored_reason = models.CharField(max_length=300, blank=True)
    ignored_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    ignored_at = models.DateTimeField(null=True, blank=True)
    resync_item = models.ForeignKey("sync.WorkItem", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+")
    resync_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+")
    resync_requested_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    first_seen = models.DateTimeField(auto_now_add=True)
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen", "kind"]
        verbose_name_plural = "mismatches"
        constraints = [models.UniqueConstraint(fields=["connection", "key"],
                                               name="unique_mismatch_key")]
        indexes = [models.Index(fields=["connection", "state", "kind"], name="mismatch_open"),
                   models.Index(fields=["state", "resync_item"], name="mismatch_resync")]
        permissions = [
            ("resync_mismatch", "Can re-sync the record behind a mismatch"),
            ("ignore_mismatch", "Can ignore a mismatch"),
            ("view_mismatch_values", "Can see what each side says (patient values)"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_type} {self.cliniko_id or self.fergus_id}"

    @property
    def can_resync(self) -> bool:
        return self.object_type in self.RESYNCABLE and bool(self.cliniko_id)

    def values_set(self, cliniko: Any, fergus: Any) -> None:
        blob = json.dumps({"cliniko": cliniko, "fergus": fergus}, default=str, sort_keys=True)
        self.values_ciphertext = crypto.encrypt(blob)

    def values(self) -> dict[str, Any]:
        """What each side says. Call only for users allowed to see patient values."""
        if not self.values_ciphertext:
            return {}
        return json.loads(crypto.decrypt(self.values_ciphertext,
                                         what=f"the values of mismatch {self.pk}"))


class ReconciliationSetting(models.Model):
    """When a connection is reconciled, in the connection's local time."""

    class Frequency(models.TextChoices):
        OFF = "off", "Off"
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    WEEKDAYS = [(0, "Monday"), (1, "Tuesday"), (2, "Wednesday"), (3, "Thursday"),
                (4, "Friday"), (5, "Saturday"), (6, "Sunday")]

    connection = models.OneToOneField("sync.Connection", on_delete=models.CASCADE,
                                      related_name="reconciliation_setting")
    frequency = models.CharField(max_length=10, choices=Frequency.choices,
                                 default=Frequency.DAILY)
    weekday = models.PositiveSmallIntegerField(choices=WEEKDAYS, default=0,
                                               help_text="For weekly runs.")
    at = models.TimeField(default=time(2, 0), help_text="Local time of the connection.")
    report_uninvoiced_jobs = models.BooleanField(
        default=False, help_text="Report Cliniko invoices whose Fergus job has no customer "
        "invoice yet (the office raises those by hand, so this is off by default).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"reconciliation of {self.connection_id}: {self.frequency} at {self.at}"
