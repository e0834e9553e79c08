"""The retry policy, in one place: exponential backoff with full jitter and a cap."""

from __future__ import annotations

import random
from dataclasses import dataclass

_rng = random.SystemRandom()


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 2.0
    cap_seconds: float = 900.0
    max_attempts: int = 10  # retryable failures (429, 5xx, network, timeouts)
    max_permanent_attempts: int = 2  # validation and other permanent errors

    def ceiling(self, attempt: int) -> float:
        """Upper bound of the delay after the `attempt`-th failure (1-based)."""
        return min(self.cap_seconds, self.base_seconds * (2 ** max(0, attempt - 1)))

    def delay(self, attempt: int, *, retry_after: float | None = None) -> float:
        """Full jitter; a server's own reset time overrides it (never earlier)."""
        if retry_after is not None and retry_after > 0:
            # Wait at least what the API asked, spread over one more second so
            # that items released together do not all return at once.
            return float(retry_after) + _rng.uniform(0, 1.0)
        return _rng.uniform(0, self.ceiling(attempt))


DEFAULT_POLICY = RetryPolicy()


def policy_for(connection: object) -> RetryPolicy:
    """The connection's own limits (sync.ResilienceSettings), or the defaults."""
    from sync.models import ResilienceSettings

    row = ResilienceSettings.objects.filter(connection_id=getattr(connection, "pk", None)).first()
    if row is None:
        return DEFAULT_POLICY
    return RetryPolicy(base_seconds=row.backoff_base_seconds, cap_seconds=row.backoff_cap_seconds,
                       max_attempts=row.max_attempts,
                       max_permanent_attempts=row.max_permanent_attempts)
