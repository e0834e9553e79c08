"""Sync runs, pull cursors, the per-connection lease and cached reference data."""

from __future__ import annotations

from django.db import models


class SyncRun(models.Model):
    """One cycle, with honest counts."""

    class Kind(models.TextChoices):
        POLL = "poll", "Poll"
        BACKFILL = "backfill", "Backfill"
        RESYNC = "resync", "Re-sync"
        DRY_RUN = "dry_run", "Dry run"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        OK = "ok", "OK"
        PARTIAL = "partial", "Partial (some records failed)"
        FAILED = "failed", "Failed"
        BUSY = "busy", "Skipped: another run holds the lease"

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="runs")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.POLL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    fetched = models.PositiveIntegerField(default=0)
    queued = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deleted = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    held = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    dead = models.PositiveIntegerField(default=0)
    cliniko_requests = models.PositiveIntegerField(default=0)
    fergus_requests = models.PositiveIntegerField(default=0)
    skipped_by = models.JSONField(default=dict, blank=True, help_text="Filter rule → count.")
    warnings = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["connection", "-started_at"], name="run_recent")]

    def __str__(self) -> str:
        return f"{self.kind} run {self.pk} ({self.status})"

    COUNTERS = ("fetched", "queued", "created", "updated", "deleted", "unchanged", "skipped",
                "held", "failed", "dead", "cliniko_requests", "fergus_requests")

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.COUNTERS}


class SyncCursor(models.Model):
    """Where the pull of one Cliniko resource stands, checkpointed after every page."""

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="cursors")
    resource = models.CharField(max_length=40)
    watermark = models.DateTimeField(null=True, blank=True,
                                     help_text="updated_at of the last record fully queued.")
    backfill_total = models.PositiveIntegerField(default=0)
    backfill_done = models.PositiveIntegerField(default=0)
    backfill_complete = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "resource"],
                                               name="unique_cursor")]

    def __str__(self) -> str:
        return f"{self.connection_id}:{self.resource} @ {self.watermark}"


class ConnectionLease(models.Model):
    """One pipeline per connection at a time, across workers and machines."""

    connection = models.OneToOneField("sync.Connection", on_delete=models.CASCADE,
                                      related_name="lease")
    holder = models.CharField(max_length=80, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    next_cycle_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"lease of {self.connection_id} by {self.holder or 'nobody'}"


class ReferenceRecord(models.Model):
    """Cached Cliniko and Fergus reference data (practitioners, users, businesses…).

    Staff and clinic data only, never patients.
    """

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="reference_records")
    kind = models.CharField(max_length=40)  # practitioner, cliniko_user, business, …
    remote_id = models.CharField(max_length=32)
    data = models.JSONField(default=dict)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "kind", "remote_id"],
                                               name="unique_reference_record")]

    def __str__(self) -> str:
        return f"{self.kind} {self.remote_id}"
