from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Seed a deterministic clinic in the Cliniko simulator and a matching company in the "
        "Fergus simulator. Prints CLINIKO_API_KEY=... and FERGUS_TOKEN=... lines. Seeding the "
        "same --seed twice reuses what exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        from sandbox.cliniko.seed import seed_clinic
        from sandbox.fergus.seed import seed_company

        if not opts["no_migrate"]:
            call_command("migrate", database="sandbox", verbosity=0)
        clinic = seed_clinic(patients=opts["patients"], seed=opts["seed"])
        company = seed_company(user_emails=clinic.practitioner_emails, seed=opts["seed"])
        self.stdout.write(f"CLINIKO_API_KEY={clinic.api_key}")
        self.stdout.write(f"CLINIKO_SHARD={clinic.shard}")
        self.stdout.write(f"FERGUS_TOKEN={company.token}")
