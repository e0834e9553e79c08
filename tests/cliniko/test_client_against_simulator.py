"""The production client reading a seeded clinic from the running simulator."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sandbox.cliniko import models as m
from sync.clients.cliniko import ClinikoClient
from sync.clients.cliniko_types import IndividualAppointment, Invoice, Patient

from .conftest import UA

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _client(sandbox_server, clinic, key=None):
    return ClinikoClient(
        key or clinic.api_key, UA, base_url=f"{sandbox_server}/cliniko/{{shard}}/v1"
    )


def test_it_reads_every_patient_including_archived_and_merged(sandbox_server, clinic):
    client = _client(sandbox_server, clinic)
    pages = list(client.patients())
    records = [r for p in pages for r in p.items]
    assert len(records) == m.Patient.objects.filter(account_id=clinic.account_id).count()
    assert all(isinstance(r, Patient) for r in records)
    assert client.request_count == len(pages) == 1  # 60 patients fit one page of 100
    assert [r.updated_at for r in records] == sorted(r.updated_at for r in records)


def test_it_reads_appointments_with_cancellations_and_resolves_link_ids(sandbox_server, clinic):
    client = _client(sandbox_server, clinic)
    appts = [r for p in client.individual_appointments() for r in p.items]
    assert (
        len(appts) == m.IndividualAppointment.objects.filter(account_id=clinic.account_id).count()
    )
    assert all(isinstance(a, IndividualAppointment) and a.patient_id for a in appts)
    assert any(a.cancelled_at for a in appts)


def test_invoice_totals_add_up_in_decimal(sandbox_server, clinic):
    client = _client(sandbox_server, clinic)
    invoices = [r for p in client.invoices() for r in p.items]
    items = [r for p in client.invoice_items() for r in p.items]
    assert {i.status for i in invoices} <= {10, 20, 30, 40}
    by_invoice: dict[str, Decimal] = {}
    for it in items:
        assert it.net_price + it.tax_amount == it.total_including_tax
        by_invoice[it.invoice_id] = (
            by_invoice.get(it.invoice_id, Decimal(0)) + it.total_including_tax
        )
    for inv in invoices:
        assert isinstance(inv, Invoice)
        assert inv.net_amount + inv.tax_amount == inv.total_amount == by_invoice[inv.id]
        assert inv.appointment_id


def test_it_reads_only_changes_incrementally_after_edits(sandbox_server, clinic):
    client = _client(sandbox_server, clinic)
    full = [r for p in client.patients() for r in p.items]
    watermark = max(r.updated_at for r in full)
    target = full[0]
    r = client.update("patients", target.id, {"notes": "Gate code changed"})
    assert r.updated_at >= target.updated_at
    changed = [
        r for p in client.patients(updated_since=watermark - timedelta(seconds=5)) for r in p.items
    ]
    assert target.id in {r.id for r in changed}
    assert len(changed) < len(full)


def test_credentials_report_the_user_and_whether_users_are_readable(sandbox_server, clinic):
    report = _client(sandbox_server, clinic).test_credentials()
    assert report.ok and report.can_read_users and report.role == "administrator"
    limited = _client(sandbox_server, clinic, clinic.limited_api_key).test_credentials()
    assert limited.ok and limited.can_read_users is False
    assert "e-mail" in limited.problems[0]


def test_credentials_explain_a_key_for_another_shard(sandbox_server, clinic):
    key = clinic.api_key.rsplit("-", 1)[0] + "-au2"
    report = ClinikoClient(
        key, UA, base_url=f"{sandbox_server}/cliniko/{{shard}}/v1"
    ).test_credentials()
    assert not report.ok and "shard au2" in report.message


def test_practitioners_include_inactive_ones(sandbox_server, clinic):
    found = _client(sandbox_server, clinic).practitioners(include_inactive=True)
    assert {p.active for p in found} == {True, False}
    assert all(p.user_id for p in found)
