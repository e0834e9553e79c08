"""Pacing below the published limits: Cliniko 200/min per user, Fergus 100/min per company.

This process-local budget keeps one worker under the limit; the resilience work
replaces it with a budget shared by every worker (database or Redis).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.conf import settings

from sync.clients.base import Pacer

PUBLISHED = {"cliniko": 200, "fergus": 100}


class WindowPacer:
    """At most `limit` requests in any `window` seconds, spaced evenly; learns from 429s."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = max(1, limit)
        self.window = window
        self.interval = window / self.limit
        self._next = 0.0
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next, self._blocked_until)
            self._next = start + self.interval
        delay = start - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def observe(self, status: int, headers: Any) -> None:
        if status != 429:
            return
        wait = None
        for name in ("retry-after", "Retry-After"):
            if headers and headers.get(name):
                try:
                    wait = float(headers.get(name))
                except ValueError:
                    wait = None
        reset = headers.get("X-RateLimit-Reset") if headers else None
        if wait is None and reset:
            try:
                wait = float(reset) - time.time()
            except ValueError:
                wait = None
        if wait and wait > 0:
            with self._lock:
                self._blocked_until = max(self._blocked_until, time.monotonic() + wait)


_pacers: dict[tuple[str, str], WindowPacer] = {}
_pacers_lock = threading.Lock()


def pacer_for(connection: Any, api: str) -> Pacer:
    """One pacer per account in this process: Cliniko per key's user, Fergus per token."""
    share = float(getattr(settings, "RATE_BUDGET_SHARE", 0.9))
    limit = int(getattr(settings, f"{api.upper()}_RATE_LIMIT", PUBLISHED[api]) * share)
    window = float(getattr(settings, "RATE_WINDOW_SECONDS", 60.0))
    if limit <= 0:
        from sync.clients.base import NullPacer

        return NullPacer()
    key = (api, f"{connection.pk}")
    with _pacers_lock:
        pacer = _pacers.get(key)
        if pacer is None or pacer.limit != limit or pacer.window != window:
            pacer = _pacers[key] = WindowPacer(limit, window)
    return pacer
