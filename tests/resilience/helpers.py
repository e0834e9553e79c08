"""Shared checks for the end-to-end resilience tests: nothing lost, nothing doubled."""

from __future__ import annotations

import time
from collections import Counter
from types import SimpleNamespace
from typing import Any

from sandbox.cliniko import models as cm
from sandbox.fergus import models as fm
from sync.alerts import alerts_evaluate
from sync.engine import connection_sync
from sync.models import CrossReference, WorkItem


def new_patients(live: SimpleNamespace, count: int, tag: str = "P") -> list[str]:
    ids = []
    for n in range(count):
        record = live.cliniko.create("patients", {"first_name": f"{tag}first{n}",
                                                  "last_name": f"{tag}last{n}"})
        ids.append(str(record.id))
    return ids


def open_items(live: SimpleNamespace) -> int:
    return WorkItem.objects.filter(connection=live.connection).exclude(
        state__in=["done", "skipped", "held", "dead"]).count()


def drain(live: SimpleNamespace, *, until: float, evaluate: bool = False,
          pause: float = 0.2, **kwargs: Any) -> None:
    """Run cycles until nothing is open (and `until` has passed) or 60 s elapse."""
    give_up = time.monotonic() + 60
    while time.monotonic() < give_up:
        connection_sync(live.connection, time_budget=10, **kwargs)
        if evaluate:
            alerts_evaluate()
        if time.monotonic() >= until and open_items(live) == 0:
            return
        time.sleep(pause)


def customers_per_patient(live: SimpleNamespace) -> tuple[int, int, int]:
    """(patients missing a customer, patients with more than one customer, patients)."""
    patients = set(map(str, cm.Patient.objects.filter(
        account_id=live.clinic.account_id, archived_at__isnull=True).values_list("pk", flat=True)))
    links = dict(CrossReference.objects.filter(
        connection=live.connection, object_type="patient", fergus_id__isnull=False
    ).values_list("cliniko_id", "fergus_id"))
    missing = len(patients - set(links))
    customers = set(fm.Customer.objects.filter(company_id=live.company.company_id,
                                               deleted_at__isnull=True).values_list("pk",
                                                                                    flat=True))
    # A doubled patient leaves a customer nobody links to, or two links to one customer.
    doubled = sum(1 for n in Counter(links.values()).values() if n > 1)
    doubled += len(customers - set(links.values()) - live.baseline_customers)
    return missing, doubled, len(patients)


def baseline(live: SimpleNamespace) -> None:
    live.baseline_customers = set(fm.Customer.objects.filter(
        company_id=live.company.company_id).values_list("pk", flat=True))
