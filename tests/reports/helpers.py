"""Shared helpers for the reports tests."""

from __future__ import annotations

from collections import Counter

from reports.models import Mismatch
from reports.reconcile import connection_reconcile
from sync.engine import clients_for, connection_backfill


def backfilled(live):
    runs = connection_backfill(live.connection, time_budget=120)
    assert runs and runs[-1].status in ("ok", "partial")
    return clients_for(live.connection)


def reconciled(live):
    run = connection_reconcile(live.connection)
    assert run.status == "ok", run.error
    return run


def open_kinds(live) -> Counter:
    return Counter(Mismatch.objects.filter(connection=live.connection, state="open")
                   .values_list("kind", flat=True))
