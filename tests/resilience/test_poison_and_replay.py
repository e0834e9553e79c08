"""A poison patient is dead-lettered with a readable reason; replay after the fix
creates exactly one record, and is audited."""

from __future__ import annotations

import time

import pytest
from django.core import mail

from sandbox.cliniko import models as cm
from sync.alerts import alerts_evaluate
from sync.engine import connection_backfill
from sync.models import Alert, CrossReference, ReplayAudit, WorkItem
from sync.replay import connection_replay_dead
from tests.resilience.helpers import baseline, customers_per_patient, drain

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_a_poison_patient_dies_alone_and_a_replay_after_the_fix_creates_one_customer(
        make_live, fergus_rejects_poison):
    live = make_live(patients=6)
    baseline(live)
    # A live patient: an archived one never reaches Fergus, so it could not be poison.
    poison = cm.Patient.objects.filter(account_id=live.clinic.account_id,
                                       archived_at__isnull=True).order_by("pk").first()
    cm.Patient.objects.filter(pk=poison.pk).update(first_name="Poison", preferred_first_name="")
    connection_backfill(live.connection, time_budget=60)
    drain(live, until=time.monotonic())

    dead_items = WorkItem.objects.filter(connection=live.connection, state="dead")
    dead = dead_items.get(object_type="patient")
    assert dead.cliniko_id == str(poison.pk)
    assert dead.last_error_kind == "validation"
    assert "customerFullName" in dead.last_error and "Poison" not in dead.last_error
    # Its appointments and invoices wait with it (they need its customer); all else is done.
    assert not WorkItem.objects.filter(connection=live.connection).exclude(
        state__in=["done", "skipped", "dead"]).exists()
    others = WorkItem.objects.filter(connection=live.connection, object_type="patient").exclude(
        pk=dead.pk)
    assert others.count() == 5 and not others.exclude(state="done").exists()
    dead_count = dead_items.count()

    alerts_evaluate()
    assert Alert.objects.filter(kind=Alert.Kind.DEAD_LETTERS, cleared_at__isnull=True).count() == 1
    assert str(poison.pk) in mail.outbox[-1].body

    cm.Patient.objects.filter(pk=poison.pk).update(first_name="Fixed", last_name="Person")
    assert connection_replay_dead(live.connection) == dead_count
    drain(live, until=time.monotonic())
    dead.refresh_from_db()
    assert dead.state == "done" and dead.outcome == "created"
    assert CrossReference.objects.filter(connection=live.connection, object_type="patient",
                                         cliniko_id=str(poison.pk)).count() == 1
    assert customers_per_patient(live)[:2] == (0, 0)
    audit = ReplayAudit.objects.get()
    assert (audit.count, audit.scope) == (dead_count, "all dead") and dead.pk in audit.item_ids
    assert not WorkItem.objects.filter(connection=live.connection, state="dead").exists()

    alerts_evaluate()
    assert mail.outbox[-1].subject.startswith("[Integration portal] Resolved")
