from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from sandbox.server import make_server


class Command(BaseCommand):
    help = (
        "Serve the Cliniko simulator under /cliniko/<shard>/v1/ and the Fergus simulator "
        "under /fergus/ on loopback until interrupted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["no_migrate"]:
            call_command("migrate", database="sandbox", verbosity=0)
        server = make_server(opts["host"], opts["port"])
        base = f"http://{opts['host']}:{opts['port']}"
        self.stdout.write(f"Cliniko simulator: {base}/cliniko/<shard>/v1/")
        self.stdout.write(f"Fergus simulator:  {base}/fergus/")
        self.stdout.flush()
        try:
            server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
