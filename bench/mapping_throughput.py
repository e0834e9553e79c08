"""Mapping throughput: records per second per kind on 10,000 synthetic Cliniko records.

    /work/main/.venv/bin/python bench/mapping_throughput.py [--records N]

Mapping is pure (no I/O), so no simulator is started and requests are 0; the
rules, filters and translations are loaded from a throwaway SQLite database
exactly as the sync engine loads them (once per run), then every record goes
through evaluate_filters + map_record.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

MEMORY_SAMPLE = 1000
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(tmp: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "integration_portal.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite3"
    os.environ["SANDBOX_DATABASE_URL"] = f"sqlite:///{tmp}/sandbox.sqlite3"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def synthetic(kind: str, n: int, seed: int = 7) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    from faker import Faker

    fake = Faker(["en_AU", "vi_VN", "de_DE"])
    Faker.seed(seed)
    rng = random.Random(seed)
    states = ["VIC", "New South Wales", "QLD", "South Australia", "WA", "Tasmania", "ACT", "NT"]
    zones = ["Australia/Sydney", "Australia/Brisbane", "Australia/Adelaide"]
    out = []
    for i in range(n):
        rid = str(1390000000000000000 + i)
        if kind in ("patient_customer", "patient_site"):
            phones = [{"phone_type": rng.choice(["Mobile", "Home", "Work", "Fax", "Other"]),
                       "number": rng.choice(["04", "02 ", "(03) ", "+61 4", "1"]) +
                       str(rng.randrange(10**7, 10**8)), "normalized_number": None}
                      for _ in range(rng.randrange(0, 4))]
            record = {"id": rid, "title": rng.choice(["", "Dr", "Ms", None]),
                      "first_name": fake.first_name(), "last_name": fake.last_name(),
                      "preferred_first_name": rng.choice(["", None, fake.first_name()]),
                      "email": rng.choice([fake.email(), "", None, " X@Y.COM "]),
                      "patient_phone_numbers": phones, "address_1": fake.street_address(),
                      "address_2": rng.choice(["", "Unit 2"]), "address_3": "",
                      "city": fake.city(), "state": rng.choice(states),
                      "post_code": fake.postcode(),
                      "country_code": "AU"}
            context: dict[str, Any] = {}
        elif kind == "appointment_event":
            start = 1700000000 + rng.randrange(0, 10**8)
            record = {"id": rid, "patient_name": fake.name(),
                      "starts_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start)),
                      "ends_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                               time.gmtime(start + rng.choice([0, 1800, 2700]))),
                      "cancelled_at": rng.choice([None] * 9 + ["2024-01-01T00:00:00Z"]),
                      "cancellation_reason": rng.choice([None, 10, 31, 50]),
                      "archived_at": None, "did_not_arrive": rng.random() < 0.05,
                      "patient_arrived": rng.random() < 0.5}
            context = {"time_zone": rng.choice(zones), "fergus_user_id": 173187,
                       "appointment_type": {"id": "1", "name": "Home Visit – Standard"},
                       "practitioner": {"id": "2", "label": "Dr Sam Patel"},
                       "business": {"id": "3"}}
        else:
            items = []
            for j in range(rng.randrange(1, 5)):
                qty = Decimal(rng.randrange(1, 4))
                unit = Decimal(rng.randrange(1000, 20000)) / 100
                items.append({"id": f"{rid}{j}", "name": "Consultation", "code": "C1",
                              "quantity": str(qty), "unit_price": str(unit),
                              "net_price": str(qty * unit), "tax_rate": "10.0"})
            net = sum(Decimal(i["net_price"]) for i in items)
            tax = (net / 10).quantize(Decimal("0.01"))
            record = {"id": rid, "number": 1000 + i, "issue_date": "2024-04-03",
                      "status": rng.choice([10, 20, 30, 40]), "status_description": "Open",
                      "net_amount": str(net), "tax_amount": str(tax),
                      "total_amount": str(net + tax)}
            context = {"invoice_items": items, "patient": {"first_name": fake.first_name(),
                                                           "last_name": fake.last_name()},
                       "practitioner": {"label": "Dr Sam Patel"}, "fergus_customer_id": 1,
                       "fergus_site_id": 2}
        out.append((record, context))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mapping-bench-") as tmp:
        setup_django(tmp)
        from mappings.engine import evaluate_filters, map_record
        from mappings.kinds import KINDS
        from mappings.services import load_filters, load_rules, load_translations
        from sync.models import Connection

        connection = Connection(name="bench", clinic_name="Bench",
                                cliniko_user_agent_email="bench@example.com")
        connection.cliniko_api_key = "bench-key-au1"
        connection.fergus_token = "fergPAT_bench"
        connection.save()  # the signal copies the default template
        translations = load_translations(connection)
        header = (f"{'kind':<18} {'records':>8} {'requests':>8} {'seconds':>8} "
                  f"{'records/s':>10} {'req/record':>10} {'CPU ms/rec':>10} {'peak KiB':>9} "
                  f"{'skipped':>7} {'problems':>8}")
        print(header)
        print("-" * len(header))
        for kind in KINDS:
            data = synthetic(kind, args.records)
            rules, filters = load_rules(connection, kind), load_filters(connection, kind)
            for _record, context in data:
                context["translations"] = translations
                context.setdefault("time_zone", "Australia/Sydney")

            def run(batch: list[tuple[dict[str, Any], dict[str, Any]]], rules: Any = rules,
                    filters: Any = filters) -> tuple[int, int]:
                skipped = problems = 0
                for record, context in batch:
                    if evaluate_filters(filters, record, context) is not None:
                        skipped += 1
                        continue
                    problems += len(map_record(rules, record, context).problems)
                return skipped, problems

            wall, cpu = time.perf_counter(), time.process_time()
            skipped, problems = run(data)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            # tracemalloc slows Python several-fold: measure memory in a second pass.
            tracemalloc.start()
            run(data[:MEMORY_SAMPLE])
            peak = tracemalloc.get_traced_memory()[1] / 2**10
            tracemalloc.stop()
            n = len(data)
            print(f"{kind:<18} {n:>8} {0:>8} {wall:>8.2f} {n / wall:>10.0f} {0:>10.1f} "
                  f"{cpu * 1000 / n:>10.3f} {peak:>9.1f} {skipped:>7} {problems:>8}")
        print(f"\nrequests are 0: mapping does no I/O. Peak KiB: tracemalloc peak while "
              f"mapping the first {MEMORY_SAMPLE} records (records generated beforehand).\n"
              "problems: reported, not fatal (invalid phones; invoices whose Cliniko tax "
              "rounding differs from Fergus's invoice-level GST by a cent).")


if __name__ == "__main__":
    main()
