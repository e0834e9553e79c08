"""After a full run with distinctive patient values, none appears where operators look:
logs, work-item errors, attempts, alerts, django-q2 task arguments and results."""

from __future__ import annotations

import logging
import time

import pytest
from django.core import mail
from django_q.models import Task
from django_q.tasks import async_task

from sandbox.faults import faults_set
from sync.alerts import alerts_evaluate
from sync.models import Alert, SyncRun, WorkAttempt, WorkItem
from tests.resilience.helpers import drain

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
VALUES = ["Zebulonia", "Quixtonworth", "zq.secret.mail@example.org", "0491570156",
          "Poisonella", "Vexmoor"]


def test_no_patient_value_reaches_logs_errors_alerts_or_task_rows(
        make_live, settings, caplog, fergus_rejects_poison):
    settings.HTTP_TIMEOUT_SECONDS = 0.4
    caplog.set_level(logging.DEBUG)
    live = make_live(patients=2)
    live.cliniko.create("patients", {
        "first_name": "Zebulonia", "last_name": "Quixtonworth",
        "email": "zq.secret.mail@example.org",
        "patient_phone_numbers": [{"phone_type": "Mobile", "number": "0491570156"}]})
    live.cliniko.create("patients", {"first_name": "Poisonella", "last_name": "Vexmoor"})
    faults_set(live.fergus_scope, late_commit_rate=0.3, late_commit_seconds=0.8,
               error_rate=0.1)
    async_task("sync.tasks.connection_sync_task", live.connection.pk, sync=True)
    faults_set(live.fergus_scope, late_commit_rate=0.0, error_rate=0.0)
    drain(live, until=time.monotonic())
    alerts_evaluate()

    assert WorkItem.objects.filter(state="dead").exists()  # the poison produced an error
    assert Alert.objects.exists() and mail.outbox
    task = Task.objects.get()
    places = {
        "logs": caplog.text,
        "work items": " ".join(WorkItem.objects.values_list("last_error", flat=True)),
        "attempts": " ".join(WorkAttempt.objects.values_list("error", flat=True)),
        "runs": " ".join(f"{r.error} {r.warnings} {r.skipped_by}" for r in SyncRun.objects.all()),
        "alerts": " ".join(f"{a.subject} {a.detail}" for a in Alert.objects.all())
        + " ".join(f"{m.subject} {m.body}" for m in mail.outbox),
        "tasks": f"{task.args} {task.kwargs} {task.result}",
    }
    leaks = {where: v for where, text in places.items() for v in VALUES if v.lower() in
             text.lower()}
    assert leaks == {}
