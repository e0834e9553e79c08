from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sync.dryrun import connection_dry_run
from sync.management.commands._connection_arg import connection_from_arg


class Command(BaseCommand):
    help = "Show what a sync would create, update, delete and skip. Writes nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("connection", help="id or name")
        parser.add_argument("--max-pages", type=int, default=None)

    def handle(self, *args: Any, **opts: Any) -> None:
        connection = connection_from_arg(opts["connection"])
        report = connection_dry_run(connection, max_pages=opts["max_pages"])
        self.stdout.write(f"Read {report.fetched} Cliniko records in {report.seconds}s.")
        for object_type, actions in sorted(report.by_type.items()):
            parts = ", ".join(f"{n} {a}" for a, n in sorted(actions.items()))
            self.stdout.write(f"  {object_type:<12} {parts}")
        writes = ", ".join(f"{n} {w}" for w, n in sorted(report.fergus_writes.items()))
        self.stdout.write(f"Fergus writes it would send: {writes or 'none'}")
        for sample in report.samples:
            self.stdout.write(f"  {sample['object_type']} {sample['cliniko_id']}: "
                              f"{sample['action']} {sample['reason']}".rstrip())
        for warning in report.warnings[:20]:
            self.stdout.write(f"  warning: {warning}")
