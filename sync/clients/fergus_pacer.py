"""A pacer that spends Fergus's per-company budget without meeting a 429.

Fergus counts requests in windows (100 a minute per company, shared by every
token) and reports `x-ratelimit-limit/-remaining/-reset` on each answer. This
pacer trusts those headers: it sends while the window has budget left, and when
the budget is spent it sleeps until the window it learned from the first answer
of that window ends. A 429's `retry-after` always wins. One instance per company,
shared by every client of that company; it is thread-safe.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any


def _header(headers: Any, name: str) -> float | None:
    try:
        value = headers.get(name)
    except AttributeError:
        return None
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


class RateLimitPacer:
    def __init__(self, limit: int = 100, window: float = 60.0, *, reserve: int = 0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.limit = limit
        self.window = window
        self.reserve = reserve  # leave this many per window to other integrations
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._remaining = limit - reserve
        self._window_end = clock() + window
        self._blocked_until = 0.0
        self.waited = 0.0

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = self._clock()
                if now >= self._window_end and now >= self._blocked_until:
                    self._remaining = self.limit - self.reserve
                    self._window_end = now + self.window
                if now >= self._blocked_until and self._remaining > 0:
                    self._remaining -= 1
                    return
                wait = max(self._blocked_until, self._window_end) - now
            wait = max(wait, 0.001)
            self.waited += wait
            self._sleep(wait)

    def observe(self, status: int, headers: Any) -> None:
        limit = _header(headers, "x-ratelimit-limit")
        remaining = _header(headers, "x-ratelimit-remaining")
        reset = _header(headers, "x-ratelimit-reset")
        with self._lock:
            now = self._clock()
            if status == 429:
                retry = _header(headers, "retry-after") or reset or self.window
                self._blocked_until = now + retry
                self._remaining = 0
                self._window_end = now + retry
                return
            if limit:
                self.limit = int(limit)
            if remaining is None:
                return
            if reset is not None and remaining >= self.limit - 1:
                # First answer of a fresh window: the header's whole-second reset is the
                # window length; our clock started later than the server's, so this is safe.
                self.window = max(reset, 0.001)
                self._window_end = now + reset
            elif reset is not None:
                self._window_end = min(self._window_end, now + reset) if \
                    self._window_end > now else now + reset
            self._remaining = min(self._remaining, int(remaining) - self.reserve)
