"""`make demo`: the whole product on one machine, in the foreground, until Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.demo import DEMO_USERS, demo_prepare


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = (
        "Migrate, start the simulators, seed a demo clinic and a live connection to it, create "
        "demo users, then run the web server and a django-q2 cluster until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--sandbox-port", type=int, default=8100)
        parser.add_argument("--patients", type=int, default=300)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--prepare-only", action="store_true",
                            help="Set everything up, print the credentials and exit.")

    def handle(self, *args: Any, **opts: Any) -> None:
        for port in (opts["port"], opts["sandbox_port"]):
            if not opts["prepare_only"] and not _port_free(port):
                raise CommandError(
                    f"Port {port} is in use. Stop whatever holds it (an earlier demo?) or pass "
                    "--port/--sandbox-port."
                )
        call_command("migrate", verbosity=0)
        call_command("migrate", database="sandbox", verbosity=0)
        call_command("createcachetable", verbosity=0)

        children: list[subprocess.Popen] = []
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        try:
            if not opts["prepare_only"]:
                children.append(subprocess.Popen(
                    [*manage, "sandbox_serve", "--port", str(opts["sandbox_port"]),
                     "--no-migrate"], env=env, start_new_session=True))
            sandbox_url = f"http://127.0.0.1:{opts['sandbox_port']}"
            summary = demo_prepare(sandbox_url=sandbox_url, patients=opts["patients"],
                                   seed=opts["seed"])
            self._print_summary(summary, opts["port"])
            if opts["prepare_only"]:
                return
            children.append(subprocess.Popen(
                [*manage, "runserver", f"127.0.0.1:{opts['port']}", "--noreload"],
                env=env, start_new_session=True))
            children.append(subprocess.Popen([*manage, "qcluster"], env=env,
                                             start_new_session=True))
            self.stdout.write("Running. Press Ctrl-C to stop everything.")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise CommandError("A demo process stopped unexpectedly; shutting down the others.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            for child in children:
                if child.poll() is None:
                    os.killpg(child.pid, signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)

    def _print_summary(self, summary: dict, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(f"Open http://127.0.0.1:{port}/ and sign in as one of:")
        for username, (role, password) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<12} {password:<22} {role}")
        for line in summary.get("lines", []):
            self.stdout.write(line)
        self.stdout.write("")
