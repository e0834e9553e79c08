"""Where a consultant is in the onboarding of one clinic, so the flow can be left and resumed."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OnboardingState(models.Model):
    class Step(models.IntegerChoices):
        CREDENTIALS = 1, "Clinic and credentials"
        TEST = 2, "Test the credentials"
        OBJECTS = 3, "Objects, filters and mapping"
        PRACTITIONERS = 4, "Match practitioners"
        DRY_RUN = 5, "Dry run"
        LIVE = 6, "Go live"

    connection = models.OneToOneField(
        "sync.Connection", on_delete=models.CASCADE, related_name="onboarding"
    )
    step = models.PositiveSmallIntegerField(choices=Step.choices, default=Step.TEST)
    # Results only (ok flags, messages, names): never a secret or a patient value.
    checks = models.JSONField(default=dict, blank=True)
    checks_passed = models.BooleanField(default=False)
    template_name = models.CharField(max_length=100, blank=True)
    matches = models.JSONField(default=list, blank=True)
    dry_run = models.JSONField(default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    went_live_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "onboarding"

    def __str__(self) -> str:
        return f"Onboarding of {self.connection} (step {self.step})"
