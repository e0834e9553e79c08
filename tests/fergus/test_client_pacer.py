"""RateLimitPacer: spends the window's budget, then waits for the window to end."""

from __future__ import annotations

from sync.clients.fergus_pacer import RateLimitPacer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_it_sends_the_whole_budget_then_waits_for_the_window():
    clock = Clock()
    pacer = RateLimitPacer(limit=3, window=60, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        pacer.acquire()
    assert clock.slept == []
    pacer.acquire()
    assert clock.slept == [60]


def test_it_trusts_the_remaining_header_over_its_own_count():
    clock = Clock()
    pacer = RateLimitPacer(limit=100, window=60, clock=clock, sleep=clock.sleep)
    pacer.acquire()
    pacer.observe(200, {"x-ratelimit-limit": "100", "x-ratelimit-remaining": "0",
                        "x-ratelimit-reset": "12"})
    pacer.acquire()
    assert clock.slept == [12]


def test_it_learns_the_window_from_the_first_answer_of_a_window():
    clock = Clock()
    pacer = RateLimitPacer(limit=100, window=60, clock=clock, sleep=clock.sleep)
    pacer.acquire()
    pacer.observe(200, {"x-ratelimit-limit": "2", "x-ratelimit-remaining": "1",
                        "x-ratelimit-reset": "2"})
    pacer.acquire()
    pacer.acquire()
    assert clock.slept == [2]


def test_it_waits_for_retry_after_on_a_429():
    clock = Clock()
    pacer = RateLimitPacer(limit=100, window=60, clock=clock, sleep=clock.sleep)
    pacer.acquire()
    pacer.observe(429, {"retry-after": "7"})
    pacer.acquire()
    assert clock.slept == [7]


def test_it_keeps_a_reserve_for_other_integrations():
    clock = Clock()
    pacer = RateLimitPacer(limit=3, window=60, reserve=1, clock=clock, sleep=clock.sleep)
    pacer.acquire()
    pacer.acquire()
    pacer.acquire()
    assert clock.slept == [60]
