"""`manage.py demo` set-up in a throwaway directory: it migrates, seeds once, and the seeded
connection syncs end to end against the simulators."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def demo_env(tmp_path):
    env = {**os.environ,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
           "SANDBOX_DATABASE_URL": f"sqlite:///{tmp_path / 'sandbox.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "tests.demo.settings_unpaced",
           "PYTHONPATH": str(ROOT), "TESTING": "False", "LOG_LEVEL": "WARNING"}
    env.pop("FIELD_ENCRYPTION_KEYS", None)
    return env, tmp_path


def _manage(env: dict, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def _count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_it_prepares_twice_without_duplicates_and_the_connection_syncs(demo_env):
    env, tmp = demo_env
    port = _free_port()
    args = ("demo", "--prepare-only", "--patients", "8", "--seed", "3",
            "--sandbox-port", str(port))
    first = _manage(env, *args)
    assert first.returncode == 0, first.stderr
    for username in ("admin", "manager", "mapper", "consultant"):
        assert username in first.stdout
    assert "demo-clinic" in first.stdout
    patients = _count(tmp / "sandbox.sqlite3", "sandbox_cliniko_patient")
    appointments = _count(tmp / "sandbox.sqlite3", "sandbox_cliniko_individualappointment")

    second = _manage(env, *args)
    assert second.returncode == 0, second.stderr
    assert _count(tmp / "sandbox.sqlite3", "sandbox_cliniko_patient") == patients
    assert _count(tmp / "sandbox.sqlite3", "sandbox_cliniko_individualappointment") == appointments
    assert _count(tmp / "portal.sqlite3", "sync_connection") == 1
    assert _count(tmp / "portal.sqlite3", "auth_user") == 4
    assert _count(tmp / "sandbox.sqlite3", "sandbox_fergus_customer") == 0

    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "sandbox_serve", "--port", str(port),
         "--no-migrate"], env=env, cwd=ROOT, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.1)
        synced = _manage(env, "backfill", "demo-clinic", "--time-budget", "40", timeout=90)
        assert synced.returncode == 0, synced.stderr
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)
    assert "last status: OK" in synced.stdout or "Partial" in synced.stdout, synced.stdout
    customers = _count(tmp / "sandbox.sqlite3", "sandbox_fergus_customer")
    assert customers > 0
    events = _count(tmp / "sandbox.sqlite3", "sandbox_fergus_calendarevent")
    assert events > 0


def test_it_explains_a_taken_port_instead_of_starting(demo_env):
    env, _ = demo_env
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _manage(env, "demo", "--port", str(port), "--sandbox-port", str(_free_port()))
    assert result.returncode != 0
    assert f"Port {port} is in use" in result.stderr
    assert "--port" in result.stderr
