from __future__ import annotations

import os
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sync.services import connection_create


class Command(BaseCommand):
    help = (
        "Create a connection and print its id. Secrets may come from the environment "
        "(CLINIKO_API_KEY, FERGUS_TOKEN) so they stay out of shell history."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--clinic-name", default="")
        parser.add_argument("--cliniko-key", default=os.environ.get("CLINIKO_API_KEY", ""))
        parser.add_argument("--fergus-token", default=os.environ.get("FERGUS_TOKEN", ""))
        parser.add_argument(
            "--user-agent-email",
            default=os.environ.get("CLINIKO_USER_AGENT_EMAIL", "integrations@example.com"),
        )
        parser.add_argument("--cliniko-base-url", default="")
        parser.add_argument("--fergus-base-url", default="")
        parser.add_argument("--time-zone", default="Australia/Sydney")
        parser.add_argument("--live", action="store_true", help="Create it live, not draft.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["cliniko_key"]:
            raise CommandError("A Cliniko API key is required: --cliniko-key or CLINIKO_API_KEY.")
        if not opts["fergus_token"]:
            raise CommandError("A Fergus token is required: --fergus-token or FERGUS_TOKEN.")
        try:
            connection = connection_create(
                name=opts["name"],
                clinic_name=opts["clinic_name"] or opts["name"],
                cliniko_api_key=opts["cliniko_key"],
                fergus_token=opts["fergus_token"],
                user_agent_email=opts["user_agent_email"],
                cliniko_base_url=opts["cliniko_base_url"],
                fergus_base_url=opts["fergus_base_url"],
                time_zone=opts["time_zone"],
                state="live" if opts["live"] else "draft",
            )
        except ValidationError as exc:
            problems = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in
                                 exc.message_dict.items())
            raise CommandError(f"The connection was not created. {problems}") from exc
        self.stdout.write(str(connection.pk))
