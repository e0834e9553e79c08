"""Keep the demo clinic busy: one Cliniko change every few seconds, a short Fergus outage now
and then (which the sync must ride out: items wait and are replayed when Fergus is back)."""

from __future__ import annotations

import random
import time
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "Play a clinic day on the seeded demo account until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1,
                            help="Seed of the clinic and company to play (as seeded).")
        parser.add_argument("--interval", type=float, default=5.0,
                            help="Seconds between changes.")
        parser.add_argument("--outage-every", type=float, default=600.0,
                            help="Seconds between Fergus outages (0: none).")
        parser.add_argument("--outage-seconds", type=int, default=45)
        parser.add_argument("--steps", type=int, default=0,
                            help="Stop after this many changes (0: run until Ctrl-C).")

    def handle(self, *args: Any, **opts: Any) -> None:
        from sandbox.cliniko.activity import play_step
        from sandbox.cliniko.models import Account
        from sandbox.faults import faults_set
        from sandbox.fergus.models import Company

        account = Account.objects.filter(seed=opts["seed"]).first()
        company = Company.objects.filter(seed=opts["seed"]).first()
        if account is None or company is None:
            raise CommandError(f"No clinic or company seeded with seed {opts['seed']}.")
        rng = random.Random()
        next_outage = time.monotonic() + opts["outage_every"]
        done = 0
        try:
            while not opts["steps"] or done < opts["steps"]:
                # play_step describes changes by kind and id only: safe to print.
                self.stdout.write(f"clinic: {play_step(account, rng)}")
                done += 1
                if opts["outage_every"] and time.monotonic() >= next_outage:
                    until = timezone.now() + timedelta(seconds=opts["outage_seconds"])
                    faults_set(f"fergus:{company.pk}", outage_until=until)
                    self.stdout.write(f"fergus: outage for {opts['outage_seconds']} s")
                    next_outage = time.monotonic() + opts["outage_every"]
                self.stdout.flush()
                if not opts["steps"] or done < opts["steps"]:
                    time.sleep(opts["interval"])
        except KeyboardInterrupt:
            pass
