"""Fixtures for the mappings tests: recorded Cliniko payloads and a connection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "mappings"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def connection(db: None) -> Any:
    from sync.models import Connection

    conn = Connection(name="bayside", clinic_name="Bayside Mobile Physio",
                      cliniko_user_agent_email="ops@example.com",
                      time_zone="Australia/Melbourne")
    conn.cliniko_api_key = "MS0xLWl4SzYYYYdtR3V2HNOTAREALKEYwvNHdeW0pd-au2"
    conn.fergus_token = "fergPAT_00000000-0000-0000-0000-000000000000"
    conn.save()
    return conn
