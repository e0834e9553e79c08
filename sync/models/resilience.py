"""Resilience state: per-connection retry/alert settings, shared rate budgets,
circuit breakers, alerts and the replay audit."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class ResilienceSettings(models.Model):
    """A connection's retry limits and alert recipients; absent means the defaults."""

    connection = models.OneToOneField("sync.Connection", on_delete=models.CASCADE,
                                      related_name="resilience")
    max_attempts = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1)],
        help_text="Attempts for retryable failures (429, 5xx, timeouts) before dead-lettering.")
    max_permanent_attempts = models.PositiveIntegerField(
        default=2, validators=[MinValueValidator(1)],
        help_text="Attempts for permanent failures (validation, 404) before dead-lettering.")
    backoff_base_seconds = models.FloatField(default=2.0, validators=[MinValueValidator(0.1)])
    backoff_cap_seconds = models.FloatField(default=900.0, validators=[MinValueValidator(1.0)])
    alert_emails = models.TextField(blank=True,
                                    help_text="Extra alert recipients, one per line or comma.")
    alert_webhook_url = models.URLField(blank=True, help_text="Slack-compatible incoming "
                                        "webhook; receives {\"text\": ...}.")

    def __str__(self) -> str:
        return f"resilience settings of {self.connection_id}"

    def recipients(self) -> list[str]:
        raw = self.alert_emails.replace(",", "\n")
        return [line.strip() for line in raw.splitlines() if line.strip()]


class RateBudget(models.Model):
    """One API account's request budget, shared by every worker (see sync/budget.py).

    `key` is "cliniko:<sha256 of the key>" or "fergus:<sha256 of the token>" — never a
    secret. Times are Unix seconds so conditional updates compare plain numbers.
    """

    key = models.CharField(max_length=100, unique=True)
    bucket_start = models.FloatField(default=0.0)
    bucket_used = models.PositiveIntegerField(default=0)
    window_start = models.FloatField(default=0.0)
    window_used = models.PositiveIntegerField(default=0)
    limit = models.PositiveIntegerField(default=0, help_text="Requests per window we allow.")
    window_seconds = models.FloatField(default=60.0)
    blocked_until = models.FloatField(default=0.0, help_text="No request before this (429).")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.key


class CircuitBreaker(models.Model):
    """Per connection and API: closed (normal) or open (probe once per interval)."""

    class State(models.TextChoices):
        CLOSED = "closed", "Closed"
        OPEN = "open", "Open"

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="breakers")
    api = models.CharField(max_length=10)
    state = models.CharField(max_length=6, choices=State.choices, default=State.CLOSED)
    failures = models.PositiveIntegerField(default=0, help_text="Retryable failures in a row.")
    opened_at = models.DateTimeField(null=True, blank=True)
    next_probe_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "api"],
                                               name="unique_breaker")]

    def __str__(self) -> str:
        return f"{self.api} breaker of {self.connection_id}: {self.state}"


class Alert(models.Model):
    """A condition a person must act on; one open row per condition until it clears."""

    class Kind(models.TextChoices):
        DEAD_LETTERS = "dead_letters", "Dead-lettered items"
        CREDENTIALS = "credentials", "Credentials rejected"
        OUTAGE = "outage", "API outage"
        BACKLOG = "backlog", "Backlog too old"

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    detail = models.TextField(blank=True, help_text="Ids, counts and API names only.")
    opened_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    notified = models.BooleanField(default=False)
    recovery_notified = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [models.UniqueConstraint(
            fields=["connection", "kind"], condition=Q(cleared_at__isnull=True),
            name="one_open_alert_per_condition")]

    def __str__(self) -> str:
        return self.subject


class ReplayAudit(models.Model):
    """Who put which dead letters back in the queue, and how many."""

    connection = models.ForeignKey("sync.Connection", on_delete=models.CASCADE,
                                   related_name="replay_audits")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL)
    scope = models.CharField(max_length=200, help_text="selected, all dead, or a date range.")
    count = models.PositiveIntegerField(default=0)
    item_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"replay of {self.count} item(s) on {self.connection_id}"
