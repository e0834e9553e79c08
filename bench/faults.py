"""Fault drills with figures: nothing lost, nothing doubled.

    /work/main/.venv/bin/python bench/faults.py [--only outage,late,storm,isolation,kill]
        [--outage 60] [--kill-patients 2000] [--kills 10]

Scenarios (simulators in this process, a throwaway SQLite dir):
  outage     steady clinic activity; Fergus down for --outage seconds; backlog drains after.
  late       10% of Fergus creates commit, then answer after the client's timeout.
  storm      429 storms from both simulators under scaled-down limits.
  isolation  two connections, one with Fergus down: the healthy one's throughput.
  kill       `manage.py qcluster` SIGKILLed --kills times during a backfill, restarted each time.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TMP = tempfile.mkdtemp(prefix="faults-bench-")
ENV = {"DJANGO_SETTINGS_MODULE": "bench.faults_settings",
       "DATABASE_URL": f"sqlite:///{TMP}/portal.sqlite3",
       "SANDBOX_DATABASE_URL": f"sqlite:///{TMP}/sandbox.sqlite3", "PYTHONPATH": str(ROOT)}


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.update(ENV)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("migrate", database="sandbox", verbosity=0)
    import logging

    logging.disable(logging.WARNING)  # the drills fail on purpose; keep the table readable


_seeds = iter(range(500, 10_000))


def make_live(base: str, patients: int, name: str) -> SimpleNamespace:
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sync.clients.cliniko import ClinikoClient
    from sync.models import Connection, ResilienceSettings
    from sync.services import connection_create

    seed = next(_seeds)
    clinic = seed_clinic(patients=patients, seed=seed)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=seed)
    connection = connection_create(
        name=name, clinic_name=name, cliniko_api_key=clinic.api_key, fergus_token=company.token,
        user_agent_email="ops@bench.example", cliniko_base_url=f"{base}/cliniko/{{shard}}/v1",
        fergus_base_url=f"{base}/fergus", state=Connection.State.LIVE)
    ResilienceSettings.objects.create(connection=connection, backoff_base_seconds=0.5,
                                      backoff_cap_seconds=5, max_attempts=100)
    return SimpleNamespace(clinic=clinic, company=company, connection=connection,
                           cliniko=ClinikoClient.for_connection(connection),
                           fergus_scope=f"fergus:{company.company_id}",
                           cliniko_scope=f"cliniko:{clinic.account_id}")


def tally(live: SimpleNamespace) -> dict[str, int]:
    """Patients ↔ customers, and what is still open."""
    from sandbox.cliniko import models as cm
    from sandbox.fergus import models as fm
    from sync.models import CrossReference, WorkItem

    patients = set(map(str, cm.Patient.objects.filter(
        account_id=live.clinic.account_id, archived_at__isnull=True).values_list("pk", flat=True)))
    links = dict(CrossReference.objects.filter(
        connection=live.connection, object_type="patient", fergus_id__isnull=False
    ).values_list("cliniko_id", "fergus_id"))
    customers = set(fm.Customer.objects.filter(company_id=live.company.company_id,
                                               deleted_at__isnull=True).values_list("pk",
                                                                                    flat=True))
    doubled = sum(n - 1 for n in Counter(links.values()).values() if n > 1)
    doubled += len(customers - set(links.values()))
    states = Counter(WorkItem.objects.filter(connection=live.connection).values_list(
        "state", flat=True))
    events = fm.CalendarEvent.objects.filter(company_id=live.company.company_id).count() \
        if hasattr(fm, "CalendarEvent") else -1
    return {"patients": len(patients), "missing": len(patients - set(links)),
            "doubled": doubled, "dead": states["dead"], "in_flight": states["in_flight"],
            "open": sum(states[s] for s in ("pending", "retry", "unknown")), "events": events}


def drain(live: SimpleNamespace, *, until: float, limit: float = 300, evaluate: bool = False,
          **kwargs: Any) -> float:
    from sync.alerts import alerts_evaluate
    from sync.engine import connection_sync

    started = time.monotonic()
    while time.monotonic() - started < limit:
        connection_sync(live.connection, time_budget=20, **kwargs)
        if evaluate:
            alerts_evaluate()
        if time.monotonic() >= until and tally(live)["open"] == 0:
            break
        time.sleep(0.5)
    return time.monotonic() - started


ROWS: list[tuple[str, str, str]] = []


def row(scenario: str, figure: str, value: Any) -> None:
    ROWS.append((scenario, figure, str(value)))
    print(f"{scenario:<10} {figure:<52} {value}", flush=True)


def scenario_outage(base: str, outage: float) -> None:
    from datetime import timedelta

    from django.core import mail
    from django.utils import timezone

    from sandbox.cliniko.activity import play_step
    from sandbox.cliniko.models import Account
    from sandbox.faults import faults_set
    from sync.alerts import alerts_evaluate
    from sync.engine import connection_backfill, connection_sync
    from sync.models import Alert, WorkItem

    mail.outbox = []
    live = make_live(base, 60, "outage")
    connection_backfill(live.connection, time_budget=600)
    account = Account.objects.get(pk=live.clinic.account_id)
    rng = random.Random(7)
    faults_set(live.fergus_scope, outage_until=timezone.now() + timedelta(seconds=outage))
    ends = time.monotonic() + outage
    peak, changes, start = 0, 0, time.monotonic()
    while time.monotonic() < ends + 2:
        for _ in range(3):
            changes += bool(play_step(account, rng))
        connection_sync(live.connection, time_budget=10)
        alerts_evaluate()
        peak = max(peak, WorkItem.objects.filter(connection=live.connection,
                                                 state__in=WorkItem.OPEN_STATES).count())
        time.sleep(1.0)
    recovered = time.monotonic()
    drain(live, until=recovered, evaluate=True)
    alerts_evaluate()
    t = tally(live)
    outage_alerts = Alert.objects.filter(connection=live.connection, kind="outage")
    row("outage", "outage seconds / clinic changes during it", f"{outage:.0f} / {changes}")
    row("outage", "backlog peak (open work items)", peak)
    row("outage", "drained after recovery (s)", f"{time.monotonic() - recovered:.1f}")
    row("outage", "patients / missing / doubled", f"{t['patients']} / {t['missing']} / "
        f"{t['doubled']}")
    row("outage", "items dead / open / in flight",
        f"{t['dead']} / {t['open']} / {t['in_flight']}")
    resolved = sum(m.subject.startswith("[Integration portal] Resolved") for m in mail.outbox)
    row("outage", "outage alerts / recovery notices", f"{outage_alerts.count()} / {resolved}")
    row("outage", "total run time (s)", f"{time.monotonic() - start:.1f}")


def scenario_late(base: str) -> None:
    from django.conf import settings

    from sandbox.faults import faults_set
    from sync.engine import connection_backfill
    from sync.models import WorkAttempt

    settings.HTTP_TIMEOUT_SECONDS = 0.5
    for with_email in (True, False):
        live = make_live(base, 5, f"late-{'email' if with_email else 'noemail'}")
        connection_backfill(live.connection, time_budget=600)
        faults_set(live.fergus_scope, late_commit_rate=0.1, late_commit_seconds=1.0)
        for n in range(200):
            data = {"first_name": f"Late{n}", "last_name": "Commit"}
            if with_email:
                data["email"] = f"late{n}@commit.example"
            live.cliniko.create("patients", data)
        drain(live, until=time.monotonic())
        t = tally(live)
        timeouts = WorkAttempt.objects.filter(work_item__connection=live.connection,
                                              error_kind="timeout").count()
        label = "with e-mail" if with_email else "without e-mail"
        row("late", f"200 new patients {label}: timeouts", timeouts)
        row("late", "  missing / doubled / dead / open", f"{t['missing']} / {t['doubled']} / "
            f"{t['dead']} / {t['open']}")
    settings.HTTP_TIMEOUT_SECONDS = 20.0


def scenario_storm(base: str) -> None:
    from datetime import timedelta

    import requests
    from django.conf import settings
    from django.utils import timezone

    from sandbox.cliniko import models as cm
    from sandbox.faults import faults_set
    from sync.engine import connection_backfill, connection_sync

    window, limits = 6, {"cliniko": 40, "fergus": 20}
    live = make_live(base, 5, "storm")
    connection_backfill(live.connection, time_budget=600)
    sent: list[tuple[str, float, float, int, dict]] = []
    real = requests.Session.request

    def record(self: Any, method: str, url: str, **kw: Any) -> Any:
        started = time.time()
        response = real(self, method, url, **kw)
        sent.append(("cliniko" if "/cliniko/" in url else "fergus", started, time.time(),
                     response.status_code, dict(response.headers)))
        return response

    for n in range(40):
        live.cliniko.create("patients", {"first_name": f"Storm{n}", "last_name": "Rain"})
    # Limits on only now: the test-side writes above must not use the clinic's budget.
    settings.CLINIKO_RATE_LIMIT, settings.FERGUS_RATE_LIMIT = limits["cliniko"], limits["fergus"]
    settings.RATE_WINDOW_SECONDS = window
    user = cm.ApiKey.objects.filter(user__account_id=live.clinic.account_id,
                                    user__role="administrator").first().user_id
    faults_set(f"cliniko:{user}", rate_limit=limits["cliniko"], rate_window_seconds=window)
    faults_set(live.fergus_scope, rate_limit=limits["fergus"], rate_window_seconds=window)
    requests.Session.request = record  # type: ignore[method-assign]
    try:
        connection_sync(live.connection, push_limit=0)
        faults_set(live.fergus_scope, storm_until=timezone.now() + timedelta(seconds=5),
                   storm_retry_seconds=3)
        drain(live, until=time.monotonic() + 5, pull=False)
        faults_set(f"cliniko:{user}", rate_limit=0)
        for n in range(10):
            live.cliniko.create("patients", {"first_name": f"Later{n}", "last_name": "Rain"})
        faults_set(f"cliniko:{user}", rate_limit=limits["cliniko"], rate_window_seconds=window)
        faults_set(live.cliniko_scope, storm_until=timezone.now() + timedelta(seconds=5),
                   storm_retry_seconds=3)
        drain(live, until=time.monotonic() + 5)
    finally:
        requests.Session.request = real  # type: ignore[method-assign]
        settings.CLINIKO_RATE_LIMIT = settings.FERGUS_RATE_LIMIT = 0
    storms = []
    for api, _, answered, status, headers in sent:
        if status == 429:
            reset = float(headers["X-RateLimit-Reset"]) if api == "cliniko" else \
                answered + float(headers["retry-after"])
            storms.append((api, answered, reset))
    early = sum(1 for api, s, *_ in sent for other, answered, reset in storms
                if api == other and answered < s < reset - 0.01)
    t = tally(live)
    for api, limit in limits.items():
        times = sorted(s for a, s, *_ in sent if a == api)
        peak = max((sum(1 for x in times if s <= x < s + window) for s in times), default=0)
        row("storm", f"{api}: requests / 429s / peak per {window}s window (limit)",
            f"{len(times)} / {sum(1 for a, *_ in storms if a == api)} / {peak} ({limit}) "
            f"= {peak * 60 / window:.0f}/min vs {limit * 60 / window:.0f}/min")
    row("storm", "requests sent before an advertised reset", early)
    row("storm", "patients / missing / doubled / open", f"{t['patients']} / {t['missing']} / "
        f"{t['doubled']} / {t['open']}")


def scenario_isolation(base: str) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from sandbox.faults import faults_set
    from sync.engine import connection_backfill, connection_sync

    def rate(live: SimpleNamespace, other: SimpleNamespace | None) -> float:
        for n in range(60):
            live.cliniko.create("patients", {"first_name": f"Iso{n}", "last_name": "Late"})
        started, created = time.monotonic(), 0
        while tally(live)["open"] or created == 0:
            if other is not None:
                connection_sync(other.connection, time_budget=10)
            created += connection_sync(live.connection, time_budget=10).created
        return created / (time.monotonic() - started)

    healthy = make_live(base, 3, "iso-healthy")
    broken = make_live(base, 3, "iso-broken")
    for live in (healthy, broken):
        connection_backfill(live.connection, time_budget=600)
    alone = rate(healthy, None)
    faults_set(broken.fergus_scope, outage_until=timezone.now() + timedelta(minutes=10))
    for n in range(60):
        broken.cliniko.create("patients", {"first_name": f"Down{n}", "last_name": "Late"})
    beside = rate(healthy, broken)
    row("isolation", "healthy: records/s alone / beside a Fergus outage",
        f"{alone:.1f} / {beside:.1f} ({beside / alone:.0%})")
    row("isolation", "broken connection: open items kept", tally(broken)["open"])


def scenario_kill(base: str, patients: int, kills: int) -> None:
    """SIGKILL the qcluster at random moments during a backfill; restart it each time."""
    from django_q.tasks import async_task

    from sync.models import WorkItem

    live = make_live(base, patients, "kill")
    env = {**os.environ, **ENV}
    rng = random.Random(3)

    def start() -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", "qcluster"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)

    def feed() -> None:
        from django_q.brokers import get_broker

        if get_broker().queue_size() == 0:
            async_task("sync.tasks.connection_sync_task", live.connection.pk, "backfill")

    started = time.monotonic()
    cluster = start()
    done_kills = 0
    try:
        while done_kills < kills:
            feed()
            time.sleep(rng.uniform(3, 12))
            os.killpg(cluster.pid, signal.SIGKILL)  # the cluster and its workers, at once
            cluster.wait()
            done_kills += 1
            t = tally(live)
            print(f"  kill {done_kills}: {time.monotonic() - started:.0f}s, {t['patients']} "
                  f"patients, {t['missing']} missing, {t['in_flight']} in flight", flush=True)
            cluster = start()
        deadline = time.monotonic() + 1800
        while time.monotonic() < deadline:
            feed()
            time.sleep(2)
            t = tally(live)
            complete = not WorkItem.objects.filter(connection=live.connection).exclude(
                state__in=["done", "skipped", "held", "dead"]).exists()
            from sync.pull import backfill_progress

            if complete and backfill_progress(live.connection)[2] and t["missing"] == 0:
                break
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
    t = tally(live)
    row("kill", "patients / SIGKILLs of qcluster", f"{t['patients']} / {done_kills}")
    row("kill", "missing / doubled customers", f"{t['missing']} / {t['doubled']}")
    row("kill", "items in flight / open / dead", f"{t['in_flight']} / {t['open']} / {t['dead']}")
    row("kill", "seconds", f"{time.monotonic() - started:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="outage,late,storm,isolation,kill")
    parser.add_argument("--outage", type=float, default=60)
    parser.add_argument("--kill-patients", type=int, default=2000)
    parser.add_argument("--kills", type=int, default=10)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings

    from sandbox.server import SandboxThread

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ALERT_EMAILS = ["ops@bench.example"]
    settings.ALERT_OUTAGE_SECONDS = 10
    settings.BREAKER_THRESHOLD, settings.BREAKER_PROBE_SECONDS = 5, 2
    from django.core import mail

    mail.outbox = []
    thread = SandboxThread()
    thread.start()
    cpu0, wall0 = time.process_time(), time.monotonic()
    try:
        for name in args.only.split(","):
            if name == "outage":
                scenario_outage(thread.base_url, args.outage)
            elif name == "late":
                scenario_late(thread.base_url)
            elif name == "storm":
                scenario_storm(thread.base_url)
            elif name == "isolation":
                scenario_isolation(thread.base_url)
            elif name == "kill":
                scenario_kill(thread.base_url, args.kill_patients, args.kills)
    finally:
        thread.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nwall {time.monotonic() - wall0:.0f} s, CPU {time.process_time() - cpu0:.0f} s "
          f"(this process, simulators included), peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
