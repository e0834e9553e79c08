"""Shared rate budgets: limits, sharing across workers, 429 resets, Fergus headers."""

from __future__ import annotations

import hashlib

import pytest

from sync.budget import (
    DatabaseBackend,
    Limits,
    RedisBackend,
    SharedBudget,
    budget_key,
    budget_usage,
    limits_for,
    reset_from,
)
from sync.pacing import pacer_for


class Clock:
    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self.sent: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def peak(times: list[float], window: float) -> int:
    return max(sum(1 for t in times if s <= t < s + window) for s in times)


@pytest.mark.parametrize(("api", "published"), [("cliniko", 200), ("fergus", 100)])
def test_the_allowance_stays_under_the_published_limit_in_any_sliding_window(
        settings, api, published):
    settings.CLINIKO_RATE_LIMIT, settings.FERGUS_RATE_LIMIT = 200, 100
    settings.RATE_BUDGET_SHARE, settings.RATE_WINDOW_SECONDS = 0.9, 60
    limits = limits_for(api)
    assert limits.limit == int(published * 0.9)
    assert (limits.buckets + 1) * limits.per_bucket < published


@pytest.mark.django_db
def test_two_workers_share_one_budget_and_never_exceed_the_limit_together(settings, connection):
    settings.CLINIKO_RATE_LIMIT, settings.RATE_WINDOW_SECONDS = 200, 60
    clock = Clock()
    key = budget_key(connection, "cliniko")
    workers = [SharedBudget(key, "cliniko", limits_for("cliniko"), store=DatabaseBackend(),
                            clock=clock, sleep=clock.sleep) for _ in range(2)]
    for n in range(600):
        workers[n % 2].acquire()
        clock.sent.append(clock.now)
        clock.now += 0.01
    assert peak(clock.sent, 60) <= 199
    assert clock.sent[-1] - clock.sent[0] > 2 * 60  # 600 requests took over three windows


@pytest.mark.django_db
def test_a_429_blocks_every_worker_until_the_advertised_reset(settings, connection):
    settings.FERGUS_RATE_LIMIT = 100
    clock = Clock()
    key = budget_key(connection, "fergus")
    one, two = (SharedBudget(key, "fergus", limits_for("fergus"), store=DatabaseBackend(),
                             clock=clock, sleep=clock.sleep) for _ in range(2))
    one.acquire()
    one.observe(429, {"retry-after": "7", "x-ratelimit-reset": "7"})
    blocked_at = clock.now
    two.acquire()
    assert clock.now >= blocked_at + 7


@pytest.mark.django_db
def test_a_429_is_honoured_even_when_pacing_is_off(settings, connection):
    settings.CLINIKO_RATE_LIMIT = 0
    clock = Clock()
    budget = SharedBudget(budget_key(connection, "cliniko"), "cliniko", None,
                          store=DatabaseBackend(), clock=clock, sleep=clock.sleep)
    budget.observe(429, {"X-RateLimit-Reset": str(int(clock.now) + 5)})
    budget.acquire()
    assert clock.now >= 1_000_005


def test_fergus_remaining_zero_waits_for_its_reset_but_an_unlimited_answer_does_not():
    assert reset_from("fergus", 200, {"x-ratelimit-limit": "100",
                                      "x-ratelimit-remaining": "0",
                                      "x-ratelimit-reset": "12"}, 100.0) == 112.0
    assert reset_from("fergus", 200, {"x-ratelimit-limit": "0", "x-ratelimit-remaining": "0",
                                      "x-ratelimit-reset": "12"}, 100.0) is None
    assert reset_from("fergus", 200, {"x-ratelimit-remaining": "40"}, 100.0) is None
    assert reset_from("cliniko", 429, {"X-RateLimit-Reset": "150"}, 100.0) == 150.0


@pytest.mark.django_db
def test_budget_keys_are_fingerprints_and_never_the_secret(connection):
    key = budget_key(connection, "cliniko")
    assert "key-au1" not in key
    assert key == "cliniko:" + hashlib.sha256(b"key-au1").hexdigest()[:32]
    assert budget_key(connection, "fergus").startswith("fergus:")


@pytest.mark.django_db
def test_budget_use_is_reported_per_connection_and_api(settings, connection):
    settings.CLINIKO_RATE_LIMIT, settings.FERGUS_RATE_LIMIT = 200, 100
    pacer = pacer_for(connection, "fergus")
    for _ in range(3):
        pacer.acquire()
    usage = budget_usage(connection)
    assert usage["fergus"]["used"] == 3 and usage["fergus"]["limit"] == 90
    assert usage["cliniko"]["used"] == 0 and usage["cliniko"]["limit"] == 180


class FakeRedis:
    def __init__(self) -> None:
        self.data: dict[str, str | int] = {}

    def incr(self, name: str) -> int:
        self.data[name] = int(self.data.get(name, 0)) + 1
        return int(self.data[name])

    def expire(self, name: str, seconds: int) -> None:
        pass

    def get(self, name: str) -> str | None:
        value = self.data.get(name)
        return None if value is None else str(value)

    def set(self, name: str, value: str, ex: int | None = None) -> None:
        self.data[name] = value


def test_the_redis_backend_paces_and_blocks_like_the_database_one():
    clock = Clock()
    store = RedisBackend(FakeRedis())
    limits = Limits(90, 60.0, 10, 9)
    budget = SharedBudget("fergus:abc", "fergus", limits, store=store, clock=clock,
                          sleep=clock.sleep)
    for _ in range(300):
        budget.acquire()
        clock.sent.append(clock.now)
    assert peak(clock.sent, 60) <= 99
    budget.observe(429, {"retry-after": "30"})
    before = clock.now
    budget.acquire()
    assert clock.now >= before + 30
    assert store.usage("fergus:abc", limits, clock.now)["used"] >= 1
