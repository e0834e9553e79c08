"""Seeding is deterministic and idempotent; the activity generator makes real changes."""

from __future__ import annotations

import random

import pytest

from sandbox.cliniko import models as m
from sandbox.cliniko.activity import ACTIONS, play_step
from sandbox.cliniko.seed import seed_clinic

pytestmark = pytest.mark.django_db(databases="__all__")


def test_seeding_the_same_seed_twice_reuses_the_clinic():
    first = seed_clinic(patients=30, seed=3)
    again = seed_clinic(patients=30, seed=3)
    assert first == again
    assert m.Patient.objects.filter(account_id=first.account_id).count() == 30
    assert first.api_key.startswith("MS0x") and first.api_key.endswith("-au1")
    assert len(first.practitioner_emails) >= 2


def test_seeding_is_deterministic_in_content():
    a = seed_clinic(patients=20, seed=11)
    names_a = list(
        m.Patient.objects.filter(account_id=a.account_id)
        .order_by("created_at", "id")
        .values_list("first_name", "last_name", "state")
    )
    m.Account.objects.filter(pk=a.account_id).delete()
    b = seed_clinic(patients=20, seed=11)
    names_b = list(
        m.Patient.objects.filter(account_id=b.account_id)
        .order_by("created_at", "id")
        .values_list("first_name", "last_name", "state")
    )
    assert sorted(names_a) == sorted(names_b)


def test_the_clinic_is_realistically_varied():
    clinic = seed_clinic(patients=400, seed=5)
    patients = m.Patient.objects.filter(account_id=clinic.account_id)
    states = set(patients.values_list("state", flat=True))
    assert states & {"NSW", "VIC", "QLD"} and states & {"Victoria", "New South Wales", "Queensland"}
    assert patients.filter(email__isnull=True).exists()
    emails = [e for e in patients.values_list("email", flat=True) if e]
    assert len(emails) > len(set(emails))  # some share an inbox
    assert any(ord(ch) > 127 for p in patients for ch in p.first_name + p.last_name)
    appts = m.IndividualAppointment.objects.filter(account_id=clinic.account_id)
    assert appts.filter(cancelled_at__isnull=False).exists()
    assert appts.filter(did_not_arrive=True).exists()
    statuses = set(
        m.Invoice.objects.filter(account_id=clinic.account_id).values_list("status", flat=True)
    )
    assert statuses == {10, 20, 30, 40}
    assert m.InvoiceItem.objects.filter(account_id=clinic.account_id, tax_name="GST").exists()


def test_every_activity_step_changes_the_clinic():
    clinic = seed_clinic(patients=40, seed=9)
    account = m.Account.objects.get(pk=clinic.account_id)
    rng = random.Random(1)
    for action in ACTIONS:
        from sandbox.cliniko import activity

        assert getattr(activity, f"_{action}")(account, rng), action
    assert play_step(account, rng)
    assert m.Invoice.objects.filter(account=account, status=20, closed_at__isnull=False).exists()
