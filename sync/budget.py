"""Shared rate budgets: one per Cliniko user key and per Fergus company, for every worker.

The published limits are 200 requests a minute per Cliniko user and 100 a minute per
Fergus company. Each budget splits its window into BUCKETS equal buckets and allows
`per_bucket = floor(limit * share / BUCKETS)` requests in each. Any stretch of one
window then overlaps at most BUCKETS + 1 buckets, so even a server counting in windows
not aligned with ours sees at most (BUCKETS + 1) * per_bucket <= 0.99 * limit when the
share is 90%.

Backends: the database (a RateBudget row claimed with conditional UPDATEs, so every
process and machine sharing the database shares the budget) or Redis when
settings.REDIS_URL is set (INCR + EXPIRE per bucket). A 429 blocks the whole budget
until the API's advertised reset; Fergus's x-ratelimit-remaining of 0 does the same.
Budget keys are SHA-256 fingerprints, never the secrets themselves.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F

PUBLISHED = {"cliniko": 200, "fergus": 100}
BUCKETS = 10


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:32]


def budget_key(connection: Any, api: str) -> str:
    """Cliniko: per user key. Fergus: per company (the token's fingerprint stands in
    for the company until the company id is known)."""
    secret = connection.cliniko_api_key if api == "cliniko" else connection.fergus_token
    return f"{api}:{fingerprint(secret)}"


@dataclass(frozen=True)
class Limits:
    limit: int  # requests per window we allow ourselves
    window: float
    buckets: int
    per_bucket: int

    @property
    def bucket_seconds(self) -> float:
        return self.window / self.buckets


def limits_for(api: str) -> Limits | None:
    """None when pacing is off (the setting is 0, as in tests)."""
    published = int(getattr(settings, f"{api.upper()}_RATE_LIMIT", PUBLISHED[api]))
    if published <= 0:
        return None
    share = float(getattr(settings, "RATE_BUDGET_SHARE", 0.9))
    window = float(getattr(settings, "RATE_WINDOW_SECONDS", 60.0))
    allowed = max(1, int(published * share))
    buckets = max(1, min(BUCKETS, allowed, published - 1))
    per_bucket = max(1, min(allowed // buckets, published // (buckets + 1)))
    return Limits(per_bucket * buckets, window, buckets, per_bucket)


def _header(headers: Any, name: str) -> float | None:
    try:
        value = headers.get(name) if headers is not None else None
        return None if value is None else float(value)
    except (AttributeError, TypeError, ValueError):
        return None


def reset_from(api: str, status: int, headers: Any, now: float) -> float | None:
    """The Unix time before which nothing may be sent, or None."""
    if api == "cliniko":
        if status != 429:
            return None
        reset = _header(headers, "X-RateLimit-Reset")  # Unix seconds
        retry = _header(headers, "Retry-After")
        candidates = [v for v in (reset, now + retry if retry is not None else None) if v]
        return max(candidates) if candidates else now + 1.0
    retry = _header(headers, "retry-after")
    reset_in = _header(headers, "x-ratelimit-reset")  # seconds
    if status == 429:
        return now + max(retry or 0.0, reset_in or 0.0, 1.0)
    remaining = _header(headers, "x-ratelimit-remaining")
    limit = _header(headers, "x-ratelimit-limit")
    if (remaining is not None and remaining <= 0 and reset_in is not None
            and (limit is None or limit > 0)):
        # Our next request would be the one over the limit (another integration may
        # share the company's budget): wait for Fergus's window to turn.
        return now + reset_in
    return None


class DatabaseBackend:
    def claim(self, key: str, limits: Limits, now: float) -> float:
        """Take one request if allowed: returns 0, or the seconds to wait."""
        from sync.models import RateBudget

        bucket = math.floor(now / limits.bucket_seconds) * limits.bucket_seconds
        window = math.floor(now / limits.window) * limits.window
        for _ in range(5):
            row = RateBudget.objects.filter(key=key).values(
                "bucket_start", "window_start", "blocked_until").first()
            if row is None:
                RateBudget.objects.get_or_create(key=key, defaults={
                    "limit": limits.limit, "window_seconds": limits.window})
                continue
            if row["blocked_until"] > now:
                return row["blocked_until"] - now
            if row["bucket_start"] < bucket:
                # A new bucket: whoever moves it first wins; the rest re-read.
                changes: dict[str, Any] = {"bucket_start": bucket, "bucket_used": 0,
                                           "limit": limits.limit,
                                           "window_seconds": limits.window}
                if row["window_start"] < window:
                    changes.update(window_start=window, window_used=0)
                RateBudget.objects.filter(key=key, bucket_start=row["bucket_start"]).update(
                    **changes)
                continue
            taken = RateBudget.objects.filter(
                key=key, bucket_start=bucket, bucket_used__lt=limits.per_bucket,
                blocked_until__lte=now,
            ).update(bucket_used=F("bucket_used") + 1, window_used=F("window_used") + 1)
            if taken:
                return 0.0
            return max(0.001, bucket + limits.bucket_seconds - now)
        return 0.01

    def block(self, key: str, until: float) -> None:
        from sync.models import RateBudget

        RateBudget.objects.get_or_create(key=key)
        RateBudget.objects.filter(key=key, blocked_until__lt=until).update(blocked_until=until)

    def usage(self, key: str, limits: Limits, now: float) -> dict:
        from sync.models import RateBudget

        row = RateBudget.objects.filter(key=key).first()
        window = math.floor(now / limits.window) * limits.window
        used = row.window_used if row and row.window_start == window else 0
        blocked = row.blocked_until if row and row.blocked_until > now else None
        return {"used": used, "limit": limits.limit, "window_seconds": limits.window,
                "blocked_until": blocked}


class RedisBackend:
    """INCR one key per bucket (expiring with it); a 429 sets a blocked-until key."""

    def __init__(self, client: Any) -> None:
        self.redis = client

    def claim(self, key: str, limits: Limits, now: float) -> float:
        blocked = self.redis.get(f"budget:{key}:blocked")
        if blocked is not None and float(blocked) > now:
            return float(blocked) - now
        index = math.floor(now / limits.bucket_seconds)
        name = f"budget:{key}:b:{index}"
        used = self.redis.incr(name)
        if used == 1:
            self.redis.expire(name, max(1, math.ceil(limits.window * 2)))
        if used <= limits.per_bucket:
            window_name = f"budget:{key}:w:{math.floor(now / limits.window)}"
            if self.redis.incr(window_name) == 1:
                self.redis.expire(window_name, max(1, math.ceil(limits.window * 2)))
            return 0.0
        return max(0.001, (index + 1) * limits.bucket_seconds - now)

    def block(self, key: str, until: float) -> None:
        name = f"budget:{key}:blocked"
        current = self.redis.get(name)
        if current is None or float(current) < until:
            self.redis.set(name, repr(until), ex=max(1, math.ceil(until - time.time()) + 1))

    def usage(self, key: str, limits: Limits, now: float) -> dict:
        used = self.redis.get(f"budget:{key}:w:{math.floor(now / limits.window)}")
        blocked = self.redis.get(f"budget:{key}:blocked")
        blocked_until = float(blocked) if blocked is not None and float(blocked) > now else None
        return {"used": int(used or 0), "limit": limits.limit, "window_seconds": limits.window,
                "blocked_until": blocked_until}


_redis_client: Any = None


def backend() -> DatabaseBackend | RedisBackend:
    global _redis_client
    url = getattr(settings, "REDIS_URL", "")
    if not url:
        return DatabaseBackend()
    if _redis_client is None:
        import redis

        _redis_client = redis.Redis.from_url(url)
    return RedisBackend(_redis_client)


class SharedBudget:
    """The Pacer the clients call: blocks in acquire() until the shared budget allows."""

    def __init__(self, key: str, api: str, limits: Limits | None, *,
                 store: DatabaseBackend | RedisBackend | None = None,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.key, self.api, self.limits = key, api, limits
        self.store = store or backend()
        self._clock, self._sleep = clock, sleep
        self.waited = 0.0

    def acquire(self) -> None:
        while True:
            now = self._clock()
            if self.limits is None:
                wait = self._blocked_wait(now)
                if wait <= 0:
                    return
            else:
                wait = self.store.claim(self.key, self.limits, now)
                if wait <= 0:
                    return
            self.waited += wait
            self._sleep(wait)

    def _blocked_wait(self, now: float) -> float:
        # Pacing is off, but a 429's reset is still honoured.
        blocked = self.store.usage(self.key, Limits(1, 60.0, 1, 1), now)["blocked_until"]
        return blocked - now if blocked else 0.0

    def observe(self, status: int, headers: Any) -> None:
        until = reset_from(self.api, status, headers, self._clock())
        if until is not None:
            self.store.block(self.key, until)


def budget_for(connection: Any, api: str) -> SharedBudget:
    return SharedBudget(budget_key(connection, api), api, limits_for(api))


def budget_usage(connection: Any) -> dict[str, dict]:
    """For the dashboard: {"cliniko": {"used", "limit", "window_seconds", "blocked_until"},
    "fergus": {...}} in the current window; limit 0 when pacing is off."""
    store = backend()
    now = time.time()
    result = {}
    for api in ("cliniko", "fergus"):
        limits = limits_for(api)
        key = budget_key(connection, api)
        result[api] = store.usage(key, limits or Limits(0, 60.0, 1, 1), now)
    return result
