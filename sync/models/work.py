"""The outbox: work items, their attempts, and cross-references to Fergus."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sync.fields import EncryptedTextField


class ObjectType(models.TextChoices):
    PATIENT = "patient", "Patient"
    APPOINTMENT = "appointment", "Appointment"
    INVOICE = "invoice", "Invoice"


# Patients first: appointments and invoices need their customer.
PUSH_ORDER = {ObjectType.PATIENT: 0, ObjectType.APPOINTMENT: 1, ObjectType.INVOICE: 2}


class WorkItem(models.Model):
    """One Cliniko change waiting to reach Fergus, durable before anything is sent."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        IN_FLIGHT = "in_flight", "In flight"
        RETRY = "retry", "Waiting to retry"
        UNKNOWN = "unknown", "Unknown (look before writing)"
        DONE = "done", "Done"
        SKIPPED = "skipped", "Skipped by a filter"
        HELD = "held", "Held for approval"
        DEAD = "dead", "Dead letter"

    OPEN_STATES = (State.PENDING, State.RETRY, State.UNKNOWN)

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="work_items")
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    cliniko_id = models.CharField(max_length=32)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    # Cliniko timestamps have one-second precision: two changes in one second are
    # told apart by a hash of the record as read (not reversible to values).
    source_hash = models.CharField(max_length=64, blank=True)
    # Encrypted JSON of the Cliniko record (and children) needed to push;
    # emptied as soon as the item is delivered.
    snapshot_ciphertext = EncryptedTextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    priority = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    look_first = models.BooleanField(
        default=False, help_text="A write may have reached Fergus: look before creating.")
    claimed_by = models.CharField(max_length=80, blank=True)
    # Set when a worker starts sending this item: a claim that lapses before that
    # goes straight back to pending; one that lapses after it must look first.
    started_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, blank=True,
                               help_text="created, updated, unchanged, deleted, skipped…")
    last_error = models.TextField(blank=True, help_text="Ids and field names only.")
    last_error_kind = models.CharField(max_length=20, blank=True)
    skipped_by = models.CharField(max_length=200, blank=True)
    origin = models.CharField(max_length=20, default="poll",
                              help_text="poll, backfill, resync, replay")
    run = models.ForeignKey("sync.SyncRun", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="work_items")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["connection", "state", "priority", "next_attempt_at"],
                         name="workitem_due"),
            models.Index(fields=["connection", "object_type", "cliniko_id"],
                         name="workitem_record"),
            models.Index(fields=["state", "claimed_until"], name="workitem_claims"),
        ]
        constraints = [
            # At most one waiting item per record: a newer change supersedes it.
            models.UniqueConstraint(
                fields=["connection", "object_type", "cliniko_id"],
                condition=Q(state__in=["pending", "retry", "unknown"]),
                name="one_waiting_item_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type} {self.cliniko_id} ({self.state})"


class WorkAttempt(models.Model):
    """Every attempt is a row; the last outcome also sits on the work item."""

    work_item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="attempt_rows")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    duration_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=20)
    error = models.TextField(blank=True)
    error_kind = models.CharField(max_length=20, blank=True)
    fergus_requests = models.PositiveIntegerField(default=0)
    cliniko_requests = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"attempt {self.number}: {self.outcome}"


class CrossReference(models.Model):
    """Which Fergus record mirrors which Cliniko record, and what was last pushed."""

    class State(models.TextChoices):
        LINKED = "linked", "Linked"
        DELETED = "deleted", "Deleted in Fergus by the sync"
        ARCHIVED = "archived", "Archived in Cliniko"
        MERGED = "merged", "Merged into another patient"
        GONE = "gone", "Missing in Fergus"

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="cross_references")
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    cliniko_id = models.CharField(max_length=32)
    fergus_kind = models.CharField(max_length=20)  # customer, calendar_event, job
    fergus_id = models.BigIntegerField(null=True, blank=True)
    # Secondary Fergus ids: site, note, phase, line items.
    extra = models.JSONField(default=dict, blank=True)
    payload_hash = models.CharField(max_length=64, blank=True)
    source_updated_at = models.DateTimeField(null=True, blank=True)
    last_pushed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.LINKED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "object_type", "cliniko_id"],
                                    name="unique_cross_reference")
        ]
        indexes = [models.Index(fields=["connection", "fergus_kind", "fergus_id"],
                                name="xref_fergus")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.cliniko_id} → {self.fergus_kind} {self.fergus_id}"
