"""Fault injection and rate limiting shared by the Cliniko and Fergus simulators.

Each simulator calls `fault_for(scope)` and `rate_limit_take(scope, ...)` at the
start of a request and renders the answer in its own API's error shape.
Profiles live in the sandbox database (so a command in another process can
switch them) and are cached in-process for a second.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from sandbox.models import FaultProfile

_CACHE_TTL = 1.0
_cache: dict[str, tuple[float, FaultProfile | None]] = {}
_cache_lock = threading.Lock()
_rng = random.Random()


def profile_for(scope: str) -> FaultProfile | None:
    now = time.monotonic()
    with _cache_lock:
        hit = _cache.get(scope)
        if hit and now - hit[0] < _CACHE_TTL:
            return hit[1]
    profile = FaultProfile.objects.filter(scope=scope).first()
    with _cache_lock:
        _cache[scope] = (now, profile)
    return profile


def faults_clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def faults_set(scope: str, **values: Any) -> FaultProfile:
    """Create or update the fault profile of `scope` (takes effect at once here)."""
    profile, _ = FaultProfile.objects.update_or_create(scope=scope, defaults=values)
    faults_clear_cache()
    return profile


def faults_reset(scope: str | None = None) -> None:
    qs = FaultProfile.objects.all() if scope is None else FaultProfile.objects.filter(scope=scope)
    qs.delete()
    faults_clear_cache()
    rate_limit_reset(scope)


def switch(scope: str, name: str, default: Any) -> Any:
    profile = profile_for(scope)
    if profile is None:
        return default
    return profile.switches.get(name, default)


@dataclass
class Fault:
    status: int
    retry_after: int | None = None  # seconds
    reason: str = ""


@dataclass
class Decision:
    fault: Fault | None = None
    late_commit_seconds: float = 0.0
    extra: dict = field(default_factory=dict)


def fault_for(scope: str, *, method: str = "GET") -> Decision:
    """Apply latency, then decide whether this request meets an outage, a storm or a 5xx."""
    profile = profile_for(scope)
    if profile is None:
        return Decision()
    if profile.latency_ms:
        time.sleep(profile.latency_ms / 1000)
    now = timezone.now()
    if profile.outage_until and now < profile.outage_until:
        return Decision(Fault(503, int((profile.outage_until - now).total_seconds()) + 1, "outage"))
    if profile.storm_until and now < profile.storm_until:
        return Decision(Fault(429, profile.storm_retry_seconds, "storm"))
    if profile.error_rate and _rng.random() < profile.error_rate:
        return Decision(Fault(profile.error_status, None, "injected"))
    if method == "POST" and profile.late_commit_rate and _rng.random() < profile.late_commit_rate:
        return Decision(late_commit_seconds=profile.late_commit_seconds)
    return Decision()


# --- Rate limiting: fixed windows, in this process ---------------------------

@dataclass
class Window:
    started: float
    count: int = 0


_windows: dict[str, Window] = {}
_windows_lock = threading.Lock()


@dataclass
class RateResult:
    allowed: bool
    limit: int
    remaining: int
    reset_epoch: float  # wall-clock seconds when the window resets
    reset_in: float  # seconds until then


def rate_limit_take(scope: str, *, default_limit: int, default_window: int) -> RateResult:
    profile = profile_for(scope)
    limit = default_limit
    window = default_window
    if profile is not None:
        if profile.rate_limit is not None:
            limit = profile.rate_limit
        if profile.rate_window_seconds:
            window = profile.rate_window_seconds
    now = time.monotonic()
    with _windows_lock:
        w = _windows.get(scope)
        if w is None or now - w.started >= window:
            w = _windows[scope] = Window(started=now)
        reset_in = max(0.0, window - (now - w.started))
        reset_epoch = time.time() + reset_in
        if limit <= 0:
            return RateResult(True, 0, 0, reset_epoch, reset_in)
        if w.count >= limit:
            return RateResult(False, limit, 0, reset_epoch, reset_in)
        w.count += 1
        return RateResult(True, limit, limit - w.count, reset_epoch, reset_in)


def rate_limit_reset(scope: str | None = None) -> None:
    with _windows_lock:
        if scope is None:
            _windows.clear()
        else:
            _windows.pop(scope, None)


def default_limit(name: str, fallback: int) -> int:
    return int(getattr(settings, name, fallback))
