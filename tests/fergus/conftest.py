"""Fixtures for the Fergus simulator and client tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

# Flushing only the simulator's apps between tests (and skipping the post-migrate signal that
# rebuilds roles and permissions) keeps the simulator tests fast.
SIM_APPS = ["sandbox", "sandbox.fergus"]

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "fergus"


def fixture(name: str) -> Any:
    """One recorded payload per file under tests/fixtures/fergus/."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


@dataclass
class Sim:
    base: str  # .../fergus
    token: str
    company_id: int
    user_tokens: dict[str, str]

    @property
    def scope(self) -> str:
        return f"fergus:{self.company_id}"

    def call(
        self, method: str, path: str, token: str | None = None, **kw: Any
    ) -> requests.Response:
        headers = kw.pop("headers", {})
        headers.setdefault("Authorization", f"Bearer {token or self.token}")
        kw.setdefault("timeout", 10)
        return requests.request(method, f"{self.base}{path}", headers=headers,
                                allow_redirects=False, **kw)

    def switch(self, **switches: Any) -> None:
        from sandbox.faults import faults_set, profile_for

        profile = profile_for(self.scope)
        current = dict(profile.switches) if profile else {}
        current.update(switches)
        faults_set(self.scope, switches=current)


@pytest.fixture
def sim(sandbox_server: str) -> Sim:
    from sandbox.fergus.seed import seed_company

    seeded = seed_company(["dr.jane.citizen@clinic.example", "sam.smith@clinic.example"], seed=7)
    return Sim(f"{sandbox_server}/fergus", seeded.token, seeded.company_id, seeded.user_tokens)
