"""Reference data the push needs: practitioners, their users, businesses, appointment
types (Cliniko) and users (Fergus). Cached in ReferenceRecord rows, refreshed when
older than REFRESH_AFTER, and held in memory for one pass. Staff data only."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sync.clients.base import ApiError, ErrorKind
from sync.models import Connection, ReferenceRecord

log = logging.getLogger(__name__)
REFRESH_AFTER = timedelta(minutes=15)
KINDS = ("practitioner", "cliniko_user", "business", "appointment_type", "fergus_user")


def _link_id(raw: dict, name: str) -> str | None:
    url = ((raw.get(name) or {}).get("links") or {}).get("self") or ""
    tail = url.rstrip("/").rsplit("/", 1)[-1]
    return tail if tail.isdigit() else None


def references_refresh(connection: Connection, cliniko: Any, fergus: Any) -> list[str]:
    """Re-read every reference list. Returns warnings (e.g. a key without admin rights)."""
    warnings: list[str] = []
    fetched: dict[str, dict[str, dict]] = {
        "practitioner": {p.id: p.raw for p in cliniko.practitioners(include_inactive=True)},
        "business": {b.id: b.raw for b in cliniko.businesses()},
        "appointment_type": {t.id: t.raw for t in cliniko.appointment_types()},
    }
    try:
        fetched["cliniko_user"] = {u.id: u.raw for u in cliniko.users()}
    except ApiError as exc:
        if exc.kind != ErrorKind.FORBIDDEN:
            raise
        warnings.append("the Cliniko API key cannot read other users (403): practitioners' "
                        "e-mails are unknown, so appointments cannot be assigned. Use an "
                        "administrator's key.")
        fetched["cliniko_user"] = {}
    fetched["fergus_user"] = {str(u.id): u.raw for u in fergus.users()}
    with transaction.atomic():
        for kind, rows in fetched.items():
            ReferenceRecord.objects.filter(connection=connection, kind=kind).exclude(
                remote_id__in=list(rows)).delete()
            for remote_id, data in rows.items():
                ReferenceRecord.objects.update_or_create(
                    connection=connection, kind=kind, remote_id=str(remote_id),
                    defaults={"data": data})
    return warnings


def references_stale(connection: Connection) -> bool:
    newest = (ReferenceRecord.objects.filter(connection=connection, kind="practitioner")
              .order_by("-refreshed_at").values_list("refreshed_at", flat=True).first())
    return newest is None or timezone.now() - newest > REFRESH_AFTER


class References:
    """In-memory view of the cached reference data for one pass."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._data: dict[str, dict[str, dict]] = {kind: {} for kind in KINDS}
        for row in ReferenceRecord.objects.filter(connection=connection):
            self._data.setdefault(row.kind, {})[row.remote_id] = row.data
        self._fergus_by_email = {
            str(u.get("email") or "").strip().lower(): int(uid)
            for uid, u in self._data["fergus_user"].items()
            if u.get("email") and str(u.get("status") or "active") != "disabled"
        }

    def practitioner(self, practitioner_id: str | None) -> dict:
        return self._data["practitioner"].get(str(practitioner_id), {}) if practitioner_id else {}

    def practitioner_user(self, practitioner_id: str | None) -> dict:
        user_id = _link_id(self.practitioner(practitioner_id), "user")
        return self._data["cliniko_user"].get(user_id or "", {})

    def business(self, business_id: str | None) -> dict:
        return self._data["business"].get(str(business_id), {}) if business_id else {}

    def appointment_type(self, type_id: str | None) -> dict:
        return self._data["appointment_type"].get(str(type_id), {}) if type_id else {}

    def time_zone(self, business: dict) -> str:
        return business.get("time_zone_identifier") or self.connection.time_zone

    def fergus_user_for_practitioner(self, practitioner_id: str | None) -> int | None:
        email = str(self.practitioner_user(practitioner_id).get("email") or "").strip().lower()
        return self._fergus_by_email.get(email) if email else None

    def practitioner_matches(self) -> list[tuple[str, str, int | None]]:
        """(practitioner id, display name, Fergus user id or None) for every practitioner."""
        rows = []
        for pid, practitioner in sorted(self._data["practitioner"].items()):
            name = practitioner.get("display_name") or practitioner.get("label") or pid
            rows.append((pid, name, self.fergus_user_for_practitioner(pid)))
        return rows
