from __future__ import annotations

import pytest

from sync.services import connection_create


@pytest.fixture
def connection(db):
    return connection_create(
        name="bayside", clinic_name="Bayside", cliniko_api_key="key-au1",
        fergus_token="fergPAT_x", user_agent_email="ops@bayside.example",
    )
