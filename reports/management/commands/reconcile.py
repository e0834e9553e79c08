"""python manage.py reconcile CONNECTION: one reconciliation in the foreground."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports.models import Mismatch, ReconciliationRun
from sync.management.commands._connection_arg import connection_from_arg


class Command(BaseCommand):
    help = "Compare one connection's Cliniko records with Fergus and print mismatches by kind."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("connection", help="Connection id or name.")

    def handle(self, *args: Any, **options: Any) -> None:
        from reports.reconcile import connection_reconcile

        connection = connection_from_arg(options["connection"])
        run = connection_reconcile(connection, trigger=ReconciliationRun.Trigger.COMMAND)
        labels = dict(Mismatch.Kind.choices)
        self.stdout.write(f"Reconciliation {run.pk} of {connection.name}: {run.status}")
        for kind, label in labels.items():
            self.stdout.write(f"  {label:<40} {run.counts.get(kind, 0):>7}")
        self.stdout.write(f"  {'Total':<40} {run.total:>7}")
        self.stdout.write(f"New {run.new}, resolved {run.resolved}; requests: Cliniko "
                          f"{run.cliniko_requests}, Fergus {run.fergus_requests}.")
        if run.status != ReconciliationRun.Status.OK:
            raise CommandError(run.error or "reconciliation failed")
