from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sync.engine import connection_sync
from sync.management.commands._connection_arg import connection_from_arg


class Command(BaseCommand):
    help = "Run one sync cycle of a connection in the foreground and print the run's counts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("connection", help="id or name")
        parser.add_argument("--time-budget", type=float, default=120.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        connection = connection_from_arg(opts["connection"])
        run = connection_sync(connection, time_budget=opts["time_budget"])
        self.stdout.write(f"Run {run.pk}: {run.get_status_display()}")
        for name, value in run.counts().items():
            self.stdout.write(f"  {name:<17}{value}")
        for reason, count in run.skipped_by.items():
            self.stdout.write(f"  skipped {count} × {reason}")
        if run.error:
            self.stdout.write(f"  error: {run.error}")
        for warning in run.warnings[:20]:
            self.stdout.write(f"  warning: {warning}")
