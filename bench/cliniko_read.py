"""Seed a 5,000-patient clinic, read it all with ClinikoClient, edit ~100 records, read
incrementally. Prints requests and seconds for both reads (rate limit off).

    /work/main/.venv/bin/python bench/cliniko_read.py [--patients 5000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=5000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="cliniko-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"
    os.environ["SANDBOX_DATABASE_URL"] = f"sqlite:///{tmp}/sandbox.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration_portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", database="default", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)
    from sandbox.cliniko import models as m
    from sandbox.cliniko.ids import now_s
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.faults import faults_set
    from sandbox.server import SandboxThread
    from sync.clients.cliniko import ClinikoClient

    t0 = time.perf_counter()
    clinic = seed_clinic(patients=args.patients, seed=42)
    seed_s = time.perf_counter() - t0
    user = m.ApiKey.objects.get(token=clinic.api_key.rsplit("-", 1)[0]).user
    faults_set(f"cliniko:{user.pk}", rate_limit=0)
    server = SandboxThread()
    server.start()
    client = ClinikoClient(
        clinic.api_key,
        "Bench (bench@example.com)",
        base_url=f"{server.base_url}/cliniko/{{shard}}/v1",
    )
    resources = ["patients", "individual_appointments", "invoices", "invoice_items"]

    def read(since=None) -> tuple[int, int, float, float]:
        start_req, start, cpu = client.request_count, time.perf_counter(), time.process_time()
        records = 0
        for name in resources:
            for page in client.iter_pages(
                name, updated_since=since, include_cancelled=name == "individual_appointments"
            ):
                records += len(page.items)
        return (
            records,
            client.request_count - start_req,
            time.perf_counter() - start,
            time.process_time() - cpu,
        )

    rows = [("full read", *read())]
    watermark = now_s()
    time.sleep(1.1)
    edited = list(
        m.Patient.objects.filter(account_id=clinic.account_id)
        .order_by("?")
        .values_list("pk", flat=True)[:100]
    )
    for pk in edited:
        client.update("patients", str(pk), {"notes": "bench edit"})
    rows.append(("incremental", *read(watermark - timedelta(seconds=2))))
    server.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"seeded {args.patients} patients in {seed_s:.1f}s "
        f"({m.IndividualAppointment.objects.count()} appointments, "
        f"{m.Invoice.objects.count()} invoices, {m.InvoiceItem.objects.count()} items)"
    )
    print(
        f"{'read':<12}{'records':>9}{'requests':>10}{'seconds':>9}{'req/rec':>9}"
        f"{'CPU ms/rec':>11}{'peak MB':>9}"
    )
    for name, recs, reqs, secs, cpu in rows:
        print(
            f"{name:<12}{recs:>9}{reqs:>10}{secs:>9.2f}{reqs / max(recs, 1):>9.3f}"
            f"{cpu * 1000 / max(recs, 1):>11.2f}{peak_mb:>9.0f}"
        )


if __name__ == "__main__":
    main()
