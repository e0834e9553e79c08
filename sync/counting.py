"""Count requests per API through the clients' pacing hook."""

from __future__ import annotations

from typing import Any

from sync.clients.base import NullPacer, Pacer


class CountingPacer:
    """Wraps the real pacer; counts every request sent through a client."""

    def __init__(self, inner: Pacer | None = None) -> None:
        self.inner = inner or NullPacer()
        self.count = 0

    def acquire(self) -> None:
        self.inner.acquire()
        self.count += 1

    def observe(self, status: int, headers: Any) -> None:
        self.inner.observe(status, headers)
