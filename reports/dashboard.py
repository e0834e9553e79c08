"""What one dashboard card shows, computed from the portal's own tables (no API calls)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Min, Sum
from django.utils import timezone

from reports.models import Mismatch, ReconciliationRun
from sync.models import Connection, SyncRun, WorkItem
from sync.pacing import PUBLISHED

CHART_DAYS = 14
BUDGET_MINUTES = 5
SERIES = (("created", "#2f7d32"), ("updated", "#1f5fa8"), ("failed", "#b3261e"))

log = logging.getLogger(__name__)


@dataclass
class Budget:
    api: str
    used_per_minute: float
    limit_per_minute: int
    source: str  # "sync.budget" or "recent runs"

    @property
    def percent(self) -> int:
        if not self.limit_per_minute:
            return 0
        return min(100, round(100 * self.used_per_minute / self.limit_per_minute))


@dataclass
class Chart:
    days: list[date]
    rows: list[dict[str, int]]  # per day: created, updated, failed
    bars: list[dict[str, Any]] = field(default_factory=list)
    width: int = 14 * 30 + 40
    height: int = 140
    peak: int = 0

    @property
    def table(self) -> list[tuple[date, dict[str, int]]]:
        return list(zip(self.days, self.rows, strict=True))


@dataclass
class Card:
    connection: Connection
    last_poll: datetime | None
    lag: timedelta | None
    backlog: int
    backlog_oldest: timedelta | None
    dead: int
    mismatches: list[tuple[str, str, int]]
    budgets: list[Budget]
    last_reconciliation: ReconciliationRun | None
    backfill: tuple[int, int, bool]
    chart: Chart

    @property
    def backfill_percent(self) -> int:
        done, total, _ = self.backfill
        return min(100, round(100 * done / total)) if total else 0

    @property
    def open_mismatches(self) -> int:
        return sum(count for _, _, count in self.mismatches)


def _budgets(connection: Connection, now: datetime) -> list[Budget]:
    """The shared budget's use in its current window; recent runs when pacing is off."""
    from sync.budget import budget_usage

    try:
        usage = budget_usage(connection)
    except Exception:  # a card must render even if the budget store cannot answer
        log.warning("budget usage unavailable for connection %s", connection.pk)
        usage = {}
    live = [(api, u) for api, u in usage.items() if u.get("limit")]
    if live:
        return [Budget(api, float(u.get("used") or 0), int(u["limit"]), "current window")
                for api, u in live]
    recent = SyncRun.objects.filter(connection=connection,
                                    started_at__gte=now - timedelta(minutes=BUDGET_MINUTES))
    sums = recent.aggregate(c=Sum("cliniko_requests"), f=Sum("fergus_requests"))
    share = float(getattr(settings, "RATE_BUDGET_SHARE", 0.9))
    out = []
    for api, total in (("cliniko", sums["c"]), ("fergus", sums["f"])):
        limit = int(getattr(settings, f"{api.upper()}_RATE_LIMIT", PUBLISHED[api]) * share)
        out.append(Budget(api, round((total or 0) / BUDGET_MINUTES, 1), limit, "recent runs"))
    return out


def _chart(connection: Connection, now: datetime) -> Chart:
    zone = connection.zone
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
    rows = {d: {"created": 0, "updated": 0, "failed": 0} for d in days}
    since = datetime.combine(days[0], datetime.min.time(), tzinfo=zone)
    for started, created, updated, failed in SyncRun.objects.filter(
            connection=connection, started_at__gte=since).values_list(
            "started_at", "created", "updated", "failed").iterator():
        row = rows.get(started.astimezone(zone).date())
        if row is not None:
            row["created"] += created
            row["updated"] += updated
            row["failed"] += failed
    chart = Chart(days, [rows[d] for d in days])
    chart.peak = max([max(r.values()) for r in chart.rows] + [1])
    plot = chart.height - 20
    for i, row in enumerate(chart.rows):
        for j, (name, colour) in enumerate(SERIES):
            h = round(plot * row[name] / chart.peak)
            chart.bars.append({"x": 30 + i * 30 + j * 8, "y": plot - h, "h": h, "colour": colour,
                               "label": f"{days[i]:%d %b}: {row[name]} {name}"})
    return chart


def card_for(connection: Connection, now: datetime | None = None) -> Card:
    from sync.pull import backfill_progress
    from sync.selectors import last_successful_poll

    now = now or timezone.now()
    last_poll = last_successful_poll(connection)
    waiting = WorkItem.objects.filter(connection=connection,
                                      state__in=[*WorkItem.OPEN_STATES, WorkItem.State.IN_FLIGHT])
    backlog = waiting.aggregate(n=Count("pk"), oldest=Min("created_at"))
    labels = dict(Mismatch.Kind.choices)
    by_kind = (Mismatch.objects.filter(connection=connection, state=Mismatch.State.OPEN)
               .values("kind").annotate(n=Count("pk")).order_by("kind"))
    return Card(
        connection=connection, last_poll=last_poll,
        lag=now - last_poll if last_poll else None,
        backlog=backlog["n"], backlog_oldest=now - backlog["oldest"] if backlog["oldest"]
        else None,
        dead=WorkItem.objects.filter(connection=connection, state=WorkItem.State.DEAD).count(),
        mismatches=[(row["kind"], labels.get(row["kind"], row["kind"]), row["n"])
                    for row in by_kind],
        budgets=_budgets(connection, now),
        last_reconciliation=ReconciliationRun.objects.filter(connection=connection).first(),
        backfill=backfill_progress(connection), chart=_chart(connection, now),
    )
