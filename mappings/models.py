"""Mapping rules, templates, status translations, sync filters, approval holds, audit."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mappings.kinds import KIND_CHOICES
from sync.models import Connection

TRANSLATION_TABLES = [
    ("invoice_status", "Cliniko invoice status → Fergus invoice status"),
    ("appointment_state", "Appointment state → Fergus action (+ title prefix)"),
    ("cancellation_reason", "Cancellation reason code → text"),
]
APPOINTMENT_ACTIONS = ["create", "update", "delete", "keep_cancelled", "skip"]


class RuleFields(models.Model):
    """The columns a template rule and a connection's rule share."""

    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    position = models.PositiveIntegerField(default=0, help_text="Rules run in this order.")
    enabled = models.BooleanField(default=True)
    sources = models.JSONField(
        default=list, blank=True,
        help_text='Source paths as a JSON list, e.g. ["first_name", "last_name"] or '
        '["$appointment_type.name"].',
    )
    transform = models.CharField(max_length=64, default="copy")
    params = models.JSONField(default=dict, blank=True, help_text="Transform parameters (JSON).")
    target = models.CharField(
        max_length=200, blank=True,
        help_text="Fergus field, e.g. mainContact.firstName; [] appends; @name is an engine "
        "hint; empty = check only.",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.position} → {self.target or '(check)'}"


class MappingTemplate(models.Model):
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(
        default=False, help_text="Copied to every new connection."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateRule(RuleFields):
    template = models.ForeignKey(MappingTemplate, on_delete=models.CASCADE, related_name="rules")

    class Meta(RuleFields.Meta):
        pass


class MappingRule(RuleFields):
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="mapping_rules"
    )

    class Meta(RuleFields.Meta):
        indexes = [models.Index(fields=["connection", "kind", "position"])]


class StatusTranslation(models.Model):
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="status_translations"
    )
    table = models.CharField(max_length=32, choices=TRANSLATION_TABLES)
    source_value = models.CharField(max_length=64)
    target_value = models.CharField(max_length=200)
    title_prefix = models.CharField(
        max_length=60, blank=True, help_text="Appointment states only: put before the title."
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["table", "source_value"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "table", "source_value"], name="unique_translation_row"
            )
        ]

    def __str__(self) -> str:
        return f"{self.table}: {self.source_value} → {self.target_value}"


class SyncFilter(models.Model):
    """A condition a record must meet to be synced; the first one it fails skips it."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="filters")
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    position = models.PositiveIntegerField(default=0)
    field_path = models.CharField(max_length=200, help_text="e.g. email or $business.id")
    operator = models.CharField(max_length=16)
    values = models.JSONField(default=list, blank=True, help_text='JSON list, e.g. ["20", "30"]')
    enabled = models.BooleanField(default=True)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "position", "id"]

    def __str__(self) -> str:
        return self.description or f"{self.kind}: {self.field_path} {self.operator}"


class ApprovalSetting(models.Model):
    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="approval_settings"
    )
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    hold_new = models.BooleanField(
        default=False, help_text="Hold new records of this kind until someone approves them."
    )

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "kind"], name="unique_approval_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'hold' if self.hold_new else 'no hold'}"


class HeldRecord(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    connection = models.ForeignKey(
        Connection, on_delete=models.CASCADE, related_name="held_records"
    )
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    cliniko_id = models.CharField(max_length=32)
    summary = models.CharField(
        max_length=200, blank=True, help_text="Ids and counts only, no patient values."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    held_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["connection", "kind", "cliniko_id"], name="unique_held_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.cliniko_id} ({self.state})"


class MappingAudit(models.Model):
    """Who changed which mapping, translation or filter; values are mapping config, never
    secrets or patient data."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    connection = models.ForeignKey(
        Connection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    model = models.CharField(max_length=64)
    object_id = models.CharField(max_length=32)
    action = models.CharField(max_length=10)  # create | update | delete | apply
    old_values = models.JSONField(null=True, blank=True)
    new_values = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.model}"


class ConnectionMappings(Connection):
    """A connection seen as its mapping set: rules, translations, filters, holds."""

    class Meta:
        proxy = True
        verbose_name = "connection mappings"
        verbose_name_plural = "connection mappings"
