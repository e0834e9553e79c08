"""Connections: one clinic's Cliniko account paired with one Fergus company."""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, URLValidator
from django.db import models

from sync.fields import EncryptedSecret, EncryptedTextField

SHARD_SUFFIX = re.compile(r"^\w{2}\d{1,2}$")
DEFAULT_SHARD = "au1"
CLINIKO_BASE_URL = "https://api.{shard}.cliniko.com/v1"
FERGUS_BASE_URL = "https://api.fergus.com"


def shard_from_key(api_key: str) -> str:
    """The shard is the key's `-suffix` when it looks like one; no suffix means au1."""
    if "-" in api_key:
        suffix = api_key.rsplit("-", 1)[1]
        if SHARD_SUFFIX.match(suffix):
            return suffix.lower()
    return DEFAULT_SHARD


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"{value!r} is not an IANA time zone name (for example Australia/Sydney)."
        )


def validate_http_url(value: str) -> None:
    # {shard} may appear in a Cliniko override; validate with it filled in.
    URLValidator(schemes=["http", "https"])(value.replace("{shard}", DEFAULT_SHARD))


class Connection(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        PAUSED = "paused", "Paused"

    name = models.SlugField(
        max_length=80, unique=True, help_text="Short identifier used by commands, e.g. bayside."
    )
    clinic_name = models.CharField(max_length=200)

    cliniko_api_key_ciphertext = EncryptedTextField()
    cliniko_api_key = EncryptedSecret("cliniko_api_key_ciphertext", "the Cliniko API key")
    cliniko_shard = models.CharField(
        max_length=8, default=DEFAULT_SHARD, editable=False,
        help_text="Derived from the API key's suffix; a key without one belongs to au1.",
    )
    cliniko_user_agent_email = models.EmailField(
        "User-Agent contact e-mail",
        help_text="Cliniko requires a User-Agent naming the app and a contact e-mail.",
    )
    cliniko_base_url = models.CharField(
        "Cliniko base URL override", max_length=300, blank=True, validators=[validate_http_url],
        help_text="Leave blank for the real API. May contain {shard}. Used for the sandbox.",
    )

    fergus_token_ciphertext = EncryptedTextField()
    fergus_token = EncryptedSecret("fergus_token_ciphertext", "the Fergus access token")
    fergus_base_url = models.CharField(
        "Fergus base URL override", max_length=300, blank=True, validators=[validate_http_url],
        help_text="Leave blank for https://api.fergus.com. Used for the sandbox.",
    )

    time_zone = models.CharField(
        max_length=64, default="Australia/Sydney", validators=[validate_time_zone],
        help_text="IANA name; used where the Cliniko business does not give one.",
    )
    sync_patients = models.BooleanField(default=True)
    sync_appointments = models.BooleanField(default=True)
    sync_invoices = models.BooleanField(default=True)
    poll_interval_seconds = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(5)],
        help_text="Seconds between polls of Cliniko while the connection is live (at least 5).",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    state_reason = models.CharField(max_length=300, blank=True)

    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ConnectionMember", related_name="connections",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("view_all_connections", "Can see every clinic's connection"),
            ("resync_connection", "Can press re-sync"),
            ("set_connection_credentials", "Can set a connection's API credentials"),
        ]

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        # Never include secrets: reprs end up in logs and error messages.
        return f"<Connection {self.pk} {self.name}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.cliniko_api_key_ciphertext:
            self.cliniko_shard = shard_from_key(self.cliniko_api_key)
        super().save(*args, **kwargs)

    @property
    def has_cliniko_key(self) -> bool:
        return bool(self.cliniko_api_key_ciphertext)

    @property
    def has_fergus_token(self) -> bool:
        return bool(self.fergus_token_ciphertext)

    @property
    def cliniko_base(self) -> str:
        template = self.cliniko_base_url or CLINIKO_BASE_URL
        return template.replace("{shard}", self.cliniko_shard).rstrip("/")

    @property
    def fergus_base(self) -> str:
        return (self.fergus_base_url or FERGUS_BASE_URL).rstrip("/")

    @property
    def cliniko_user_agent(self) -> str:
        return f"{settings.CLINIKO_APP_NAME} ({self.cliniko_user_agent_email})"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class ConnectionMember(models.Model):
    """Which users may see which connection (object-level scoping)."""

    connection = models.ForeignKey(Connection, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connection", "user"], name="unique_connection_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.connection}"
