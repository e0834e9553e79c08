"""Alerts, only when a person must act: dead letters, rejected credentials, an outage
longer than ALERT_OUTAGE_SECONDS, a backlog older than ALERT_BACKLOG_SECONDS.

`alerts_evaluate` (a schedule, every minute) derives each condition from the
database, opens one Alert per condition until it clears (deduplicated by a unique
constraint), and sends a recovery notice when it does. Messages carry connection
names, counts, Cliniko ids, API names and error kinds — never patient values.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from sync.models import Alert, CircuitBreaker, Connection, ResilienceSettings, WorkItem

log = logging.getLogger("sync.alerts")
Kind = Alert.Kind


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def conditions_for(connection: Connection) -> dict[str, tuple[str, str]]:
    """{kind: (subject, detail)} of the conditions that hold now."""
    now = timezone.now()
    found: dict[str, tuple[str, str]] = {}
    dead = WorkItem.objects.filter(connection=connection, state=WorkItem.State.DEAD)
    count = dead.count()
    if count:
        examples = "\n".join(f"- {t} {cid}: {kind or 'error'}: {err[:200]}" for t, cid, kind, err in
                             dead.order_by("-updated_at").values_list(
                                 "object_type", "cliniko_id", "last_error_kind",
                                 "last_error")[:5])
        found[Kind.DEAD_LETTERS] = (
            f"{connection.name}: {count} record(s) could not be synced",
            f"{count} work item(s) are dead-lettered and need a fix and a replay.\n{examples}")
    if connection.state == Connection.State.PAUSED and "credentials" in connection.state_reason:
        found[Kind.CREDENTIALS] = (f"{connection.name}: credentials rejected, sync paused",
                                   connection.state_reason)
    threshold = now - timedelta(seconds=_seconds("ALERT_OUTAGE_SECONDS", 600))
    for api, opened in CircuitBreaker.objects.filter(
            connection=connection, state=CircuitBreaker.State.OPEN,
            opened_at__lte=threshold).values_list("api", "opened_at"):
        minutes = (now - opened).total_seconds() / 60
        found[Kind.OUTAGE] = (f"{connection.name}: {api.title()} unreachable",
                              f"{api.title()} has failed for {minutes:.0f} min; changes are "
                              "queued and will be sent when it recovers.")
    oldest = WorkItem.objects.filter(connection=connection, state__in=WorkItem.OPEN_STATES
                                     ).order_by("created_at").values_list("created_at",
                                                                          flat=True).first()
    if oldest and (now - oldest).total_seconds() > _seconds("ALERT_BACKLOG_SECONDS", 3600):
        waiting = WorkItem.objects.filter(connection=connection,
                                          state__in=WorkItem.OPEN_STATES).count()
        found[Kind.BACKLOG] = (f"{connection.name}: sync backlog is behind",
                               f"{waiting} change(s) waiting; the oldest since "
                               f"{oldest:%Y-%m-%d %H:%M} UTC.")
    return found


def recipients_for(connection: Connection) -> tuple[list[str], str]:
    emails = list(getattr(settings, "ALERT_EMAILS", []) or [])
    webhook = ""
    extra = ResilienceSettings.objects.filter(connection=connection).first()
    if extra is not None:
        emails += [e for e in extra.recipients() if e not in emails]
        webhook = extra.alert_webhook_url
    return emails, webhook


def notify(connection: Connection, subject: str, body: str) -> None:
    """E-mail and webhook; a failed channel is logged, never raised."""
    emails, webhook = recipients_for(connection)
    if emails:
        try:
            send_mail(f"[Integration portal] {subject}", body, None, emails)
        except Exception as exc:  # noqa: BLE001 - one channel must not block the other
            log.error("alert e-mail for connection %s failed: %s", connection.pk,
                      type(exc).__name__)
    if webhook:
        try:
            requests.post(webhook, json={"text": f"*{subject}*\n{body}"}, timeout=10)
        except requests.RequestException as exc:
            log.error("alert webhook for connection %s failed: %s", connection.pk,
                      type(exc).__name__)


def alerts_evaluate_connection(connection: Connection) -> tuple[int, int]:
    """Open alerts for new conditions, close cleared ones. Returns (opened, cleared)."""
    active = conditions_for(connection)
    opened = cleared = 0
    open_alerts = {a.kind: a for a in Alert.objects.filter(connection=connection,
                                                           cleared_at__isnull=True)}
    for kind, (subject, detail) in active.items():
        if kind in open_alerts:
            continue
        try:
            with transaction.atomic():
                alert = Alert.objects.create(connection=connection, kind=kind, subject=subject,
                                             detail=detail)
        except IntegrityError:
            continue  # another evaluator opened it a moment ago
        notify(connection, subject, detail)
        Alert.objects.filter(pk=alert.pk).update(notified=True)
        opened += 1
    for kind, alert in open_alerts.items():
        if kind in active:
            continue
        if Alert.objects.filter(pk=alert.pk, cleared_at__isnull=True).update(
                cleared_at=timezone.now()):
            notify(connection, f"Resolved: {alert.subject}",
                   "The condition has cleared; no action is needed.")
            Alert.objects.filter(pk=alert.pk).update(recovery_notified=True)
            cleared += 1
    return opened, cleared


def alerts_evaluate() -> dict[str, int]:
    """The schedule's entry point: every live or paused connection."""
    opened = cleared = 0
    for connection in Connection.objects.exclude(state=Connection.State.DRAFT):
        o, c = alerts_evaluate_connection(connection)
        opened, cleared = opened + o, cleared + c
    return {"opened": opened, "cleared": cleared}
