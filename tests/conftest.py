"""Shared fixtures. No test may reach past loopback (see _loopback_only)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from types import SimpleNamespace

import pytest

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_loopback(address: object) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX paths: local by definition
    host = str(address[0])
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded(real):  # type: ignore[no-untyped-def]
    def connect(self, address):  # type: ignore[no-untyped-def]
        if not _is_loopback(address):
            raise OSError(f"Tests may only connect to loopback; refused {address!r}.")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def _loopback_only() -> Iterator[None]:
    socket.socket.connect = _guarded(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded(_real_connect_ex)  # type: ignore[method-assign]
    yield
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]


@pytest.fixture
def sandbox_server(transactional_db: None, django_db_blocker: object) -> Iterator[str]:
    """The simulators as a real HTTP server on a free loopback port; yields its base URL.

    Uses transactional_db so the server thread sees rows the test writes.
    Tests using it should be marked `@pytest.mark.django_db(transaction=True,
    databases="__all__")` so the sandbox database is available.
    """
    from sandbox.faults import faults_clear_cache, rate_limit_reset
    from sandbox.server import SandboxThread

    faults_clear_cache()
    rate_limit_reset()
    thread = SandboxThread()
    thread.start()
    try:
        yield thread.base_url
    finally:
        thread.stop()
        faults_clear_cache()
        rate_limit_reset()


@pytest.fixture
def unpaced(settings):
    """Simulators and clients without rate limits, so end-to-end tests run at full speed."""
    settings.SANDBOX_CLINIKO_RATE_LIMIT = 0
    settings.SANDBOX_FERGUS_RATE_LIMIT = 0
    settings.CLINIKO_RATE_LIMIT = 0
    settings.FERGUS_RATE_LIMIT = 0
    return settings


@pytest.fixture
def live(sandbox_server, unpaced):
    """A seeded clinic, its Fergus company and a live connection to both simulators.

    Use with @pytest.mark.django_db(transaction=True, databases="__all__").
    """
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sync.clients.cliniko import ClinikoClient
    from sync.models import Connection
    from sync.services import connection_create

    clinic = seed_clinic(patients=12, seed=11)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=11)
    connection = connection_create(
        name="live-clinic", clinic_name="Live Clinic", cliniko_api_key=clinic.api_key,
        fergus_token=company.token, user_agent_email="ops@live.example",
        cliniko_base_url=f"{sandbox_server}/cliniko/{{shard}}/v1",
        fergus_base_url=f"{sandbox_server}/fergus", state=Connection.State.LIVE,
    )
    cliniko = ClinikoClient.for_connection(connection)  # for test-side edits
    return SimpleNamespace(clinic=clinic, company=company, connection=connection,
                           cliniko=cliniko, base_url=sandbox_server)
