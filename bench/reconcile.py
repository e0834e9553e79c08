"""Reconciliation time and peak memory for a large clinic, simulators with limits off.

    /work/main/.venv/bin/python bench/reconcile.py [--patients 20000]

Seeds a clinic (the seed makes about 2.5 appointments and 1.2 invoices per patient),
mirrors it into Fergus with the real backfill, then runs one reconciliation and
prints: records, requests, seconds, requests/record, CPU ms/record and peak
memory. Peak memory is measured with tracemalloc around the reconciliation only
(Python allocations of this process, which also runs the simulator); the
process's max RSS is printed too. Limits are off (no pacing on either side).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="reconcile-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration_portal.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"
    os.environ["SANDBOX_DATABASE_URL"] = f"sqlite:///{tmp}/sandbox.sqlite3"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    for name in ("SANDBOX_CLINIKO_RATE_LIMIT", "SANDBOX_FERGUS_RATE_LIMIT",
                 "CLINIKO_RATE_LIMIT", "FERGUS_RATE_LIMIT"):
        setattr(settings, name, 0)
    call_command("migrate", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20000)
    args = parser.parse_args()
    setup_django()
    import logging

    logging.disable(logging.WARNING)  # the backfill warns per GST-free invoice

    from reports.reconcile import connection_reconcile
    from sandbox.cliniko import models as cm
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sandbox.server import SandboxThread
    from sync.engine import connection_backfill
    from sync.models import Connection
    from sync.services import connection_create

    server = SandboxThread()
    server.start()
    try:
        t0 = time.perf_counter()
        clinic = seed_clinic(patients=args.patients, seed=7)
        company = seed_company(user_emails=clinic.practitioner_emails, seed=7)
        connection = connection_create(
            name="bench", clinic_name="Bench", cliniko_api_key=clinic.api_key,
            fergus_token=company.token, user_agent_email="ops@bench.example",
            cliniko_base_url=f"{server.base_url}/cliniko/{{shard}}/v1",
            fergus_base_url=f"{server.base_url}/fergus", state=Connection.State.LIVE)
        seeded = time.perf_counter() - t0
        t0 = time.perf_counter()
        connection_backfill(connection, time_budget=6 * 3600, max_pages=None,
                            push_limit=100_000)
        backfill = time.perf_counter() - t0
        account = clinic.account_id
        records = {
            "patients": cm.Patient.objects.filter(account_id=account).count(),
            "appointments": cm.IndividualAppointment.objects.filter(account_id=account).count(),
            "invoices": cm.Invoice.objects.filter(account_id=account).count(),
        }
        tracemalloc.start()
        cpu0, t0 = time.process_time(), time.perf_counter()
        run = connection_reconcile(connection, trigger="command")
        seconds, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    finally:
        server.stop()
    total = sum(records.values())
    requests = run.cliniko_requests + run.fergus_requests
    print(f"seeded in {seeded:.0f} s, backfilled in {backfill:.0f} s; "
          f"reconciliation {run.status}: {run.counts}")
    print(f"{'records':>28} {'requests':>9} {'seconds':>8} {'req/rec':>8} {'CPU ms/rec':>11} "
          f"{'peak MB':>8}")
    label = ", ".join(f"{n} {k}" for k, n in records.items())
    print(f"{label:>28} {requests:>9} {seconds:>8.1f} {requests / total:>8.3f} "
          f"{1000 * cpu / total:>11.2f} {peak / 2**20:>8.1f}")
    print(f"requests: Cliniko {run.cliniko_requests}, Fergus {run.fergus_requests}; "
          f"max RSS of the process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
          " MB")


if __name__ == "__main__":
    main()
