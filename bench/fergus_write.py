"""Write 1,000 customers and 1,000 calendar events through FergusClient into the simulator.

    /work/main/.venv/bin/python bench/fergus_write.py [--records 1000] [--limit 100] [--window 2]

Fergus allows 100 requests a minute per company. The simulator's window is scaled down
(100 per 2 s = 3,000/min equivalent) so the run takes under a minute while the pacer still
has to respect a hard limit. Goal: zero 429s and budget utilisation close to 100 %.
CPU and memory include the simulator, which runs in this process.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix="fergus-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration_portal.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"
    os.environ["SANDBOX_DATABASE_URL"] = f"sqlite:///{tmp}/sandbox.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)


class Counter:
    """Counts answers by status on top of the real pacer."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.sent = 0
        self.limited = 0

    def acquire(self) -> None:
        self.inner.acquire()
        self.sent += 1

    def observe(self, status: int, headers: Any) -> None:
        if status == 429:
            self.limited += 1
        self.inner.observe(status, headers)


def with_retry(call: Callable[[], Any]) -> Any:
    from sync.clients.base import ApiError, ErrorKind

    for _ in range(10):
        try:
            return call()
        except ApiError as exc:
            if exc.kind != ErrorKind.RATE_LIMITED:
                raise
            time.sleep(exc.retry_after or 1)  # the pacer already waits; this is a backstop
    raise RuntimeError("still rate limited after 10 tries")


def run_phase(name: str, records: int, make: Callable[[int], Any], counter: Counter,
              limit: int, window: float) -> list[str]:
    sent0, limited0 = counter.sent, counter.limited
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    for i in range(records):
        with_retry(lambda i=i: make(i))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    sent, limited = counter.sent - sent0, counter.limited - limited0
    budget = limit * seconds / window
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [name, str(records), str(sent), str(limited), f"{seconds:.1f}",
            f"{sent / records:.2f}", f"{cpu * 1000 / records:.1f}", f"{peak_mb:.0f} MB",
            f"{100 * sent / budget:.0f} %"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--window", type=int, default=2)
    args = parser.parse_args()
    setup_django()

    from sandbox.faults import faults_set
    from sandbox.fergus.seed import seed_company
    from sandbox.server import SandboxThread
    from sync.clients.fergus import FergusClient
    from sync.clients.fergus_pacer import RateLimitPacer

    emails = [f"practitioner{i}@clinic.example" for i in range(4)]
    seeded = seed_company(emails, seed=1)
    faults_set(f"fergus:{seeded.company_id}", rate_limit=args.limit,
               rate_window_seconds=args.window)
    server = SandboxThread()
    server.start()
    counter = Counter(RateLimitPacer(limit=args.limit, window=args.window))
    client = FergusClient(seeded.token, base_url=f"{server.base_url}/fergus", pacer=counter)
    users = [u.id for u in client.users() if u.email in emails]
    zone = ZoneInfo("Australia/Sydney")
    first_day = datetime(2026, 3, 30, 8, 0, tzinfo=zone)

    def customer(i: int) -> Any:
        return client.customer_create({
            "customerFullName": f"Bench Patient {i}",
            "mainContact": {"firstName": "Bench", "lastName": f"Patient {i}", "contactItems": [
                {"contactType": "email", "contactValue": f"bench{i}@patients.example"}]},
        })

    def event(i: int) -> Any:
        # Off-grid local times (every 7 minutes) so snapping is exercised.
        start = first_day + timedelta(days=i // 40, minutes=7 * (i % 40))
        return client.event_create(f"Appointment {i}", start, start + timedelta(minutes=20),
                                   user_id=users[i % len(users)])

    rows = [["phase", "records", "requests", "429s", "seconds", "requests/record",
             "CPU ms/record", "peak memory", "budget used"]]
    rows.append(run_phase("customers", args.records, customer, counter, args.limit,
                          args.window))
    rows.append(run_phase("calendar events", args.records, event, counter, args.limit,
                          args.window))
    server.stop()
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    print(f"Fergus write bench: limit {args.limit} requests / {args.window} s "
          f"(= {args.limit * 60 // args.window}/min), RateLimitPacer")
    for row in rows:
        print("  ".join(cell.rjust(w) for cell, w in zip(row, widths, strict=True)))
    print(f"total requests {counter.sent}, total 429s {counter.limited}")


if __name__ == "__main__":
    main()
