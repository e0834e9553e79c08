"""The sync engine against both simulators: requests per record, wall time, CPU, the
time under (scaled-down) real rate limits, and edit-to-Fergus latency with a running
django-q2 cluster.

    .venv/bin/python bench/sync_engine.py [--patients 5000] [--appointments 20000]
        [--invoices 3000] [--latency-samples 20] [--skip-latency]

Everything runs on loopback in a throwaway directory. The simulators run in this
process, so CPU figures include them (the cluster's CPU is separate).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def setup(tmp: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"
    os.environ["SANDBOX_DATABASE_URL"] = f"sqlite:///{tmp}/sandbox.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration_portal.settings")
    # Production-like: no per-query debug bookkeeping.
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", "3q2-7sOB3kN0CnzvvmWfYjX7C2yK4i7e-lb0zBNVlWE=")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", database="default", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)
    call_command("createcachetable", verbosity=0)


def grow_appointments(account_id: int, target: int, seed: int) -> None:
    """Top the seeded clinic up to `target` individual appointments (bulk, in the sim DB)."""
    from sandbox.cliniko import models as cm

    have = cm.IndividualAppointment.objects.filter(account_id=account_id).count()
    if have >= target:
        return
    rng = random.Random(seed)
    existing = list(cm.IndividualAppointment.objects.filter(account_id=account_id)[:500])
    from sandbox.cliniko.ids import new_id

    batch = []
    for i in range(target - have):
        src = existing[i % len(existing)]
        src.pk = new_id()
        shift = rng.randint(-30, 30)
        src.starts_at = src.starts_at.replace(microsecond=0) + __import__("datetime").timedelta(
            days=shift)
        src.ends_at = src.ends_at.replace(microsecond=0) + __import__("datetime").timedelta(
            days=shift)
        batch.append(cm.IndividualAppointment(**{f.attname: getattr(src, f.attname)
                                                 for f in src._meta.concrete_fields}))
        if len(batch) >= 2000:
            cm.IndividualAppointment.objects.bulk_create(batch)
            batch = []
    cm.IndividualAppointment.objects.bulk_create(batch)


def per_record_table(connection) -> list[tuple]:
    from django.db.models import Avg, Count

    from sync.models import WorkAttempt

    rows = (WorkAttempt.objects.filter(work_item__connection=connection)
            .values("work_item__object_type", "outcome")
            .annotate(n=Count("id"), fergus=Avg("fergus_requests"),
                      cliniko=Avg("cliniko_requests"), ms=Avg("duration_ms"))
            .order_by("work_item__object_type", "outcome"))
    return [(r["work_item__object_type"], r["outcome"], r["n"], r["fergus"] or 0,
             r["cliniko"] or 0, r["ms"] or 0) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=5000)
    parser.add_argument("--appointments", type=int, default=20000)
    parser.add_argument("--invoices", type=int, default=3000)
    parser.add_argument("--limited-patients", type=int, default=300)
    parser.add_argument("--latency-samples", type=int, default=20)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="sync-bench-")
    setup(tmp)

    from django.conf import settings

    from sandbox.cliniko import models as cm
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus import models as fm
    from sandbox.fergus.seed import seed_company
    from sandbox.server import SandboxThread
    from sync.engine import connection_backfill, connection_sync
    from sync.models import Connection
    from sync.services import connection_create

    for name in ("SANDBOX_CLINIKO_RATE_LIMIT", "SANDBOX_FERGUS_RATE_LIMIT",
                 "CLINIKO_RATE_LIMIT", "FERGUS_RATE_LIMIT"):
        setattr(settings, name, 0)
    t0 = time.perf_counter()
    clinic = seed_clinic(patients=args.patients, seed=5)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=5)
    grow_appointments(clinic.account_id, args.appointments, 5)
    invoices = cm.Invoice.objects.filter(account_id=clinic.account_id)
    if invoices.count() > args.invoices:
        keep = list(invoices.order_by("pk").values_list("pk", flat=True)[: args.invoices])
        cm.InvoiceItem.objects.filter(account_id=clinic.account_id).exclude(
            invoice_id__in=keep).delete()
        invoices.exclude(pk__in=keep).delete()
    counts = (cm.Patient.objects.filter(account_id=clinic.account_id).count(),
              cm.IndividualAppointment.objects.filter(account_id=clinic.account_id).count(),
              cm.Invoice.objects.filter(account_id=clinic.account_id).count())
    print(f"seeded {counts[0]} patients, {counts[1]} appointments, {counts[2]} invoices "
          f"in {time.perf_counter() - t0:.1f}s")
    server = SandboxThread()
    server.start()
    connection = connection_create(
        name="bench", clinic_name="Bench", cliniko_api_key=clinic.api_key,
        fergus_token=company.token, user_agent_email="bench@example.com",
        cliniko_base_url=f"{server.base_url}/cliniko/{{shard}}/v1",
        fergus_base_url=f"{server.base_url}/fergus", state=Connection.State.DRAFT)
    Connection.objects.filter(pk=connection.pk).update(poll_interval_seconds=10)

    # --- 1. Backfill with every limit off --------------------------------------
    wall, cpu = time.perf_counter(), time.process_time()
    runs = connection_backfill(connection, time_budget=7200, push_limit=100000)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    created = sum(r.created for r in runs)
    processed = sum(r.created + r.updated + r.unchanged + r.skipped + r.deleted + r.failed
                    for r in runs)
    print(f"\n1. backfill, limits off: {len(runs)} cycles, {processed} records settled, "
          f"{created} created, {sum(r.failed for r in runs)} failed, "
          f"{sum(r.dead for r in runs)} dead")
    print(f"   wall {wall:.1f}s, CPU {cpu:.1f}s = {1000 * cpu / max(1, processed):.2f} ms/record "
          f"(portal + both simulators), cliniko requests {sum(r.cliniko_requests for r in runs)}, "
          f"fergus requests {sum(r.fergus_requests for r in runs)}, peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    customers = fm.Customer.objects.filter(company_id=company.company_id).count()
    print(f"   Fergus customers {customers} for {counts[0]} patients "
          f"(archived patients never reach Fergus)")

    # --- 2. Updates and unchanged records ----------------------------------------
    patients = list(cm.Patient.objects.filter(account_id=clinic.account_id,
                                              archived_at__isnull=True)[:400])
    for p in patients[:200]:
        p.last_name = f"{p.last_name}-Ed"
        p.touch()
        p.save()
    for p in patients[200:400]:
        p.notes = "touched"  # not mapped: must cost no Fergus write
        p.touch()
        p.save()
    run = connection_sync(connection, push_limit=100000, time_budget=600)
    print(f"\n2. 200 mapped edits + 200 unmapped touches: updated {run.updated}, unchanged "
          f"{run.unchanged}, fergus requests {run.fergus_requests}")

    print("\n   requests per record by type and outcome (all attempts so far)")
    print(f"   {'type':<12}{'outcome':<11}{'records':>8}{'fergus/rec':>11}{'cliniko/rec':>12}"
          f"{'ms/rec':>8}")
    for row in per_record_table(connection):
        print(f"   {row[0]:<12}{row[1]:<11}{row[2]:>8}{row[3]:>11.2f}{row[4]:>12.2f}"
              f"{row[5]:>8.1f}")

    # --- 3. Under the real limits, scaled down 30x ----------------------------------
    window = 10.0
    settings.RATE_WINDOW_SECONDS = window
    settings.CLINIKO_RATE_LIMIT, settings.FERGUS_RATE_LIMIT = 200, 100
    from sandbox.faults import faults_set

    faults_set(f"fergus:{company.company_id}", rate_limit=100, rate_window_seconds=int(window))
    from sandbox.cliniko.factory import build_patient, faker_for

    fake, rng = faker_for(99), random.Random(99)
    account = cm.Account.objects.get(pk=clinic.account_id)
    from sandbox.cliniko.ids import now_s

    fresh = [build_patient(fake, rng, account, now_s(), []) for _ in range(args.limited_patients)]
    cm.Patient.objects.bulk_create(fresh)
    wall = time.perf_counter()
    limited_runs = connection_backfill(connection, time_budget=3600, push_limit=100000)
    wall = time.perf_counter() - wall
    fergus = sum(r.fergus_requests for r in limited_runs)
    floor = fergus / (100 * 0.9 / window)
    print(f"\n3. {args.limited_patients} new patients under Fergus 100/{window:.0f}s and "
          f"Cliniko 200/{window:.0f}s (the real per-minute limits, 6x faster):")
    print(f"   {fergus} Fergus requests in {wall:.1f}s; the pacing floor at 90% of the limit is "
          f"{floor:.1f}s: {wall / floor:.2f}x the floor. Real limits: "
          f"{fergus / 90:.1f} minutes for these records.")
    settings.CLINIKO_RATE_LIMIT = settings.FERGUS_RATE_LIMIT = 0
    faults_set(f"fergus:{company.company_id}", rate_limit=0)

    if args.skip_latency:
        return
    # --- 4. Edit-to-Fergus latency with a running cluster ------------------------
    Connection.objects.filter(pk=connection.pk).update(state=Connection.State.LIVE)
    env = {**os.environ, "CLINIKO_RATE_LIMIT": "0", "FERGUS_RATE_LIMIT": "0",
           "Q_WORKERS": "2"}
    cluster = subprocess.Popen([sys.executable, str(ROOT / "manage.py"), "qcluster"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        from django.db import transaction

        from sync.tasks import connection_loop_start

        with transaction.atomic():
            connection_loop_start(connection.pk)
        time.sleep(15)
        latencies = []
        targets = list(cm.Patient.objects.filter(account_id=clinic.account_id,
                                                 archived_at__isnull=True)[500:600])
        for i in range(args.latency_samples):
            time.sleep(random.uniform(0, 10))
            patient = targets[i]
            patient.last_name = f"Latency{i:03d}"
            patient.touch()
            patient.save()
            started = time.perf_counter()
            want = f"{patient.first_name} Latency{i:03d}"
            while not fm.Customer.objects.filter(company_id=company.company_id,
                                                 full_name=want).exists():
                if time.perf_counter() - started > 120:
                    break
                time.sleep(0.1)
            latencies.append(time.perf_counter() - started)
        latencies.sort()
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print(f"\n4. edit in Cliniko → visible in Fergus, running cluster, poll interval 10s, "
              f"{len(latencies)} samples: p50 {statistics.median(latencies):.1f}s, "
              f"p95 {p95:.1f}s, max {latencies[-1]:.1f}s")
    finally:
        os.killpg(cluster.pid, 15)
        try:
            cluster.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a cycle task may still be sleeping
            os.killpg(cluster.pid, 9)
            cluster.wait(timeout=10)
        server.stop()


if __name__ == "__main__":
    main()
