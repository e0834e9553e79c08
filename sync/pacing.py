"""Pacing below the published limits: Cliniko 200/min per user, Fergus 100/min per company.

`pacer_for` hands the clients a budget shared by every worker process and machine
(sync/budget.py: database rows, or Redis when REDIS_URL is set).
"""

from __future__ import annotations

from typing import Any

from sync.budget import PUBLISHED, budget_for, budget_usage
from sync.clients.base import Pacer

__all__ = ["PUBLISHED", "budget_usage", "pacer_for"]


def pacer_for(connection: Any, api: str) -> Pacer:
    """Cliniko: one budget per user key. Fergus: one per company."""
    return budget_for(connection, api)
