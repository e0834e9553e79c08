"""Fixtures for the Cliniko simulator and client tests."""

from __future__ import annotations

import pytest

UA = "Cliniko Fergus Portal tests (dev@example.com)"


@pytest.fixture
def clinic(sandbox_server):
    """A small seeded clinic (built inside the test's transactional databases)."""
    from sandbox.cliniko.seed import seed_clinic

    return seed_clinic(patients=60, seed=7)


@pytest.fixture
def api(sandbox_server, clinic):
    """A requests session speaking to the seeded clinic's shard with the admin key."""
    import requests

    session = requests.Session()
    session.auth = (clinic.api_key, "")
    session.headers.update({"User-Agent": UA, "Accept": "application/json"})
    base = f"{sandbox_server}/cliniko/{clinic.shard}/v1"

    class Api:
        def __init__(self) -> None:
            self.base = base
            self.session = session
            self.clinic = clinic

        def get(self, path, **kw):
            return session.get(f"{base}/{path}", timeout=10, **kw)

        def post(self, path, **kw):
            return session.post(f"{base}/{path}", timeout=10, **kw)

        def patch(self, path, **kw):
            return session.patch(f"{base}/{path}", timeout=10, **kw)

        def put(self, path, **kw):
            return session.put(f"{base}/{path}", timeout=10, **kw)

        def delete(self, path, **kw):
            return session.delete(f"{base}/{path}", timeout=10, **kw)

    return Api()
