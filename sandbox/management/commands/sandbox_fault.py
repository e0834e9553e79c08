from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.control import parse_fault_values
from sandbox.faults import faults_reset, faults_set


class Command(BaseCommand):
    help = (
        "Switch simulator faults for one account scope (cliniko:<account> or fergus:<company>). "
        'Example: sandbox_fault fergus:1 \'{"outage_seconds": 120}\'. The running simulator '
        "picks it up within a second. --reset clears the scope."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("scope")
        parser.add_argument("values", nargs="?", default="{}")
        parser.add_argument("--reset", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["reset"]:
            faults_reset(opts["scope"])
            self.stdout.write(f"Faults of {opts['scope']} cleared.")
            return
        try:
            values = parse_fault_values(json.loads(opts["values"]))
        except (ValueError, TypeError) as exc:
            raise CommandError(f"Bad fault values: {exc}") from exc
        faults_set(opts["scope"], **values)
        self.stdout.write(f"Faults of {opts['scope']} set: {', '.join(sorted(values)) or 'none'}.")
