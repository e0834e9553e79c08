"""The slow jobs, as django-q2 schedules (created after migrate, idempotent)."""

from __future__ import annotations

from typing import Any

SCHEDULES = [
    # (name, function, minutes)
    ("sync: start missing loops", "sync.tasks.connections_watchdog", 1),
    ("sync: evaluate alerts", "sync.alerts.alerts_evaluate", 1),
    ("sync: purge old logs", "sync.retention.logs_purge", 24 * 60),
]


def schedules_ensure(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    if using != "default":
        return
    from django_q.models import Schedule

    for name, func, minutes in SCHEDULES:
        Schedule.objects.update_or_create(
            name=name,
            defaults={"func": func, "schedule_type": Schedule.MINUTES, "minutes": minutes,
                      "repeats": -1},
        )
