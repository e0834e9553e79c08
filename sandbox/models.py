"""Fault profiles shared by both simulators, switchable at run time."""

from __future__ import annotations

from django.db import models


class FaultProfile(models.Model):
    """Faults for one simulated account: "cliniko:<account>" or "fergus:<company>".

    Every field defaults to "no fault". `rate_limit` overrides the simulator's
    default requests per window (0 switches the limit off).
    """

    scope = models.CharField(max_length=120, unique=True)
    latency_ms = models.PositiveIntegerField(default=0)
    error_rate = models.FloatField(default=0.0, help_text="Share of requests answered 5xx.")
    error_status = models.PositiveSmallIntegerField(default=503)
    storm_until = models.DateTimeField(null=True, blank=True, help_text="429 to everything.")
    storm_retry_seconds = models.PositiveIntegerField(default=5)
    outage_until = models.DateTimeField(null=True, blank=True, help_text="503 to everything.")
    late_commit_rate = models.FloatField(
        default=0.0, help_text="Share of POSTs that commit, then answer too late (Fergus)."
    )
    late_commit_seconds = models.FloatField(default=3.0)
    rate_limit = models.PositiveIntegerField(null=True, blank=True)
    rate_window_seconds = models.PositiveIntegerField(null=True, blank=True)
    switches = models.JSONField(default=dict, blank=True, help_text="Simulator switches.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.scope
