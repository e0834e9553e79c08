"""Alerts: one per condition until it clears, then one recovery notice; e-mail and a
Slack-compatible webhook; no patient values."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import responses
from django.core import mail
from django.utils import timezone

from sync.alerts import alerts_evaluate
from sync.engine import connection_pause
from sync.models import Alert, CircuitBreaker, Connection, ResilienceSettings, WorkItem

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.slack.example/services/T0/B0/x"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "resilience" / "slack_webhook_ok.json"


@pytest.fixture
def watched(connection, settings):
    settings.ALERT_EMAILS = ["ops@portal.example"]
    settings.ALERT_OUTAGE_SECONDS = 600
    settings.ALERT_BACKLOG_SECONDS = 3600
    Connection.objects.filter(pk=connection.pk).update(state="live")
    ResilienceSettings.objects.create(connection=connection, alert_emails="clinic@bay.example",
                                      alert_webhook_url=HOOK)
    return connection


def _hook() -> None:
    responses.add(responses.POST, HOOK, body=FIXTURE.read_text(), status=200)


@responses.activate
def test_an_outage_alerts_once_while_it_lasts_and_sends_one_recovery_notice(watched):
    _hook()
    CircuitBreaker.objects.create(connection=watched, api="fergus", state="open",
                                  opened_at=timezone.now() - timedelta(minutes=11))
    for _ in range(3):
        alerts_evaluate()
    assert len(mail.outbox) == 1 and "Fergus unreachable" in mail.outbox[0].subject
    assert set(mail.outbox[0].to) == {"ops@portal.example", "clinic@bay.example"}
    assert json.loads(responses.calls[0].request.body)["text"].startswith("*bayside: Fergus")
    CircuitBreaker.objects.update(state="closed", opened_at=None)
    alerts_evaluate()
    alerts_evaluate()
    assert len(mail.outbox) == 2 and mail.outbox[1].subject.startswith(
        "[Integration portal] Resolved")
    assert len(responses.calls) == 2
    assert Alert.objects.get().cleared_at is not None


@responses.activate
def test_a_short_outage_raises_no_alert(watched):
    _hook()
    CircuitBreaker.objects.create(connection=watched, api="fergus", state="open",
                                  opened_at=timezone.now() - timedelta(minutes=2))
    alerts_evaluate()
    assert mail.outbox == [] and not Alert.objects.exists()


@responses.activate
def test_rejected_credentials_and_an_old_backlog_each_alert(watched):
    _hook()
    connection_pause(watched, "Fergus rejected the credentials: Fergus GET /users → 401")
    item = WorkItem.objects.create(connection=watched, object_type="patient", cliniko_id="77")
    WorkItem.objects.filter(pk=item.pk).update(created_at=timezone.now() - timedelta(hours=2))
    alerts_evaluate()
    assert set(Alert.objects.values_list("kind", flat=True)) == {"credentials", "backlog"}


@responses.activate
def test_a_failing_webhook_does_not_stop_the_e_mail(watched):
    responses.add(responses.POST, HOOK, body=requests.ConnectionError("down"))
    WorkItem.objects.create(connection=watched, object_type="patient", cliniko_id="5",
                            state="dead", last_error="Fergus POST /customers → 422: lastName",
                            last_error_kind="validation")
    alerts_evaluate()
    assert len(mail.outbox) == 1 and "patient 5" in mail.outbox[0].body
