from __future__ import annotations

import pytest
from django.utils import timezone

from reports.dashboard import _budgets
from sync.budget import budget_for


@pytest.mark.django_db
def test_the_budget_card_shows_the_shared_budget_of_the_current_window(connection, settings):
    settings.CLINIKO_RATE_LIMIT = 200
    settings.FERGUS_RATE_LIMIT = 100
    budget_for(connection, "fergus").acquire()
    cards = {b.api: b for b in _budgets(connection, timezone.now())}
    assert cards["fergus"].limit_per_minute == 90 and cards["fergus"].used_per_minute == 1
    assert cards["cliniko"].limit_per_minute == 180 and cards["cliniko"].used_per_minute == 0
    assert cards["fergus"].source == "current window"
