"""`make demo`: the whole product on one machine, in the foreground, until Ctrl-C."""

from __future__ import annotations

import contextlib
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
from django.db import transaction

from sandbox.demo import DEMO_USERS, demo_prepare


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_for_port(port: int, child: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise CommandError("The simulators stopped while starting; see the output above.")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise CommandError(f"The simulators did not answer on port {port} within {seconds:.0f} s.")


def _terminate(children: list[subprocess.Popen]) -> None:
    """Each child leads its own process group (runserver and qcluster fork workers):
    signal the whole group, then wait, then kill what is left."""
    for child in children:
        if child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait(timeout=5)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


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
        parser.add_argument("--play-interval", type=float, default=5.0,
                            help="Seconds between simulated clinic changes (0: none).")
        parser.add_argument("--outage-every", type=float, default=600.0,
                            help="Seconds between short Fergus outages (0: none).")
        parser.add_argument("--real-limits", action="store_true",
                            help="Keep the APIs' real rate limits (Fergus 100 requests a "
                                 "minute): the first backfill then takes about half an hour.")
        parser.add_argument("--prepare-only", action="store_true",
                            help="Migrate, seed and print the credentials, then exit.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["prepare_only"]:
            for port, flag in ((opts["port"], "--port"), (opts["sandbox_port"],
                                                           "--sandbox-port")):
                if not _port_free(port):
                    raise CommandError(
                        f"Port {port} is in use. Stop whatever holds it (an earlier demo still "
                        f"running?) or pass {flag} with another port.")
        self.stdout.write("Migrating the portal and simulator databases…")
        call_command("migrate", verbosity=0)
        call_command("migrate", database="sandbox", verbosity=0)
        call_command("createcachetable", verbosity=0)

        children: list[subprocess.Popen] = []
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if not opts.get("real_limits"):
            # Ten times the real limits on both sides (simulators and pacing alike),
            # so a newcomer sees the whole clinic in Fergus within a couple of minutes.
            env.update(CLINIKO_RATE_LIMIT="2000", SANDBOX_CLINIKO_RATE_LIMIT="2000",
                       FERGUS_RATE_LIMIT="1000", SANDBOX_FERGUS_RATE_LIMIT="1000")
        previous = signal.signal(signal.SIGTERM, _raise_interrupt)

        def spawn(*command: str) -> subprocess.Popen:
            child = subprocess.Popen([*manage, *command], env=env, start_new_session=True)
            children.append(child)
            return child

        try:
            sandbox_url = f"http://127.0.0.1:{opts['sandbox_port']}"
            if not opts["prepare_only"]:
                sandbox = spawn("sandbox_serve", "--port", str(opts["sandbox_port"]),
                                "--no-migrate")
                _wait_for_port(opts["sandbox_port"], sandbox)
            self.stdout.write(f"Seeding the demo clinic ({opts['patients']} patients; "
                              "nothing is added twice)…")
            summary = demo_prepare(sandbox_url=sandbox_url, patients=opts["patients"],
                                   seed=opts["seed"])
            self._print_summary(summary, opts["port"])
            if opts["prepare_only"]:
                return
            self._start_sync(summary["connection"].pk)
            spawn("runserver", f"127.0.0.1:{opts['port']}", "--noreload")
            spawn("qcluster")
            if opts["play_interval"]:
                spawn("sandbox_play", "--seed", str(opts["seed"]), "--interval",
                      str(opts["play_interval"]), "--outage-every", str(opts["outage_every"]))
            self.stdout.write(f"Running. Open http://127.0.0.1:{opts['port']}/ — press Ctrl-C "
                              "to stop everything.")
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
            raise CommandError("A demo process stopped unexpectedly; stopped the others.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            _terminate(children)
            signal.signal(signal.SIGTERM, previous)

    def _start_sync(self, connection_id: int) -> None:
        """The watchdog schedule would start the loop within a minute; start it now."""
        from sync.tasks import connection_loop_start

        with transaction.atomic():
            connection_loop_start(connection_id)

    def _print_summary(self, summary: dict, port: int) -> None:
        self.stdout.write("")
        self.stdout.write(f"Open http://127.0.0.1:{port}/ (admin: http://127.0.0.1:{port}/admin/)"
                          " and sign in as one of these local demo users:")
        for username, (role, password) in DEMO_USERS.items():
            self.stdout.write(f"  {username:<12} {password:<22} {role}")
        for line in summary.get("lines", []):
            self.stdout.write(line)
        self.stdout.write("")
