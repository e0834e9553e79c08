from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from reports.dashboard import _budgets
from sync.budget import budget_for
from sync.services import connection_create


@pytest.mark.django_db
def test_the_budget_card_shows_the_shared_budget_of_the_current_window(settings):
    settings.CLINIKO_RATE_LIMIT = 200
    settings.FERGUS_RATE_LIMIT = 100
    # Fresh credentials: budgets are keyed by their fingerprints (and Redis keeps keys).
    connection = connection_create(
        name="budget-card", clinic_name="Budget card", user_agent_email="ops@example.com",
        cliniko_api_key=f"key-{uuid.uuid4().hex}", fergus_token=f"fergPAT_{uuid.uuid4()}")
    budget_for(connection, "fergus").acquire()
    cards = {b.api: b for b in _budgets(connection, timezone.now())}
    assert cards["fergus"].limit_per_minute == 90 and cards["fergus"].used_per_minute == 1
    assert cards["cliniko"].limit_per_minute == 180 and cards["cliniko"].used_per_minute == 0
    assert cards["fergus"].source == "current window"
