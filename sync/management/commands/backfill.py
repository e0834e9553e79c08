from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sync.engine import connection_backfill
from sync.management.commands._connection_arg import connection_from_arg


class Command(BaseCommand):
    help = "Backfill a connection (resumes where an interrupted one stopped), with progress."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("connection", help="id or name")
        parser.add_argument("--time-budget", type=float, default=3600.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        connection = connection_from_arg(opts["connection"])

        def progress(done: int, total: int) -> None:
            width = 30
            share = done / total if total else 1.0
            bar = "#" * int(width * share)
            sys.stdout.write(f"\r[{bar:<{width}}] {done}/{total} records read")
            sys.stdout.flush()

        runs = connection_backfill(connection, progress=progress,
                                   time_budget=opts["time_budget"])
        self.stdout.write("")
        totals: dict[str, int] = {}
        for run in runs:
            for name, value in run.counts().items():
                totals[name] = totals.get(name, 0) + value
        self.stdout.write(f"{len(runs)} cycle(s); last status: "
                          f"{runs[-1].get_status_display() if runs else 'none'}")
        for name, value in totals.items():
            self.stdout.write(f"  {name:<17}{value}")
