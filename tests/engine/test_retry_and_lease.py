from __future__ import annotations

import statistics

import pytest

from sync.lease import lease_acquire, lease_is_held, lease_release
from sync.retry import RetryPolicy


def test_backoff_delays_stay_within_full_jitter_bounds_and_average_half_the_ceiling():
    policy = RetryPolicy(base_seconds=2, cap_seconds=60)
    for attempt in range(1, 9):
        ceiling = min(60, 2 * 2 ** (attempt - 1))
        samples = [policy.delay(attempt) for _ in range(4000)]
        assert all(0 <= s <= ceiling for s in samples)
        assert abs(statistics.mean(samples) - ceiling / 2) < ceiling * 0.05


def test_a_server_reset_overrides_the_backoff():
    policy = RetryPolicy(base_seconds=2, cap_seconds=60)
    assert all(45 <= policy.delay(1, retry_after=45) <= 46 for _ in range(100))


@pytest.mark.django_db
def test_only_one_holder_gets_the_lease_until_it_lapses_or_is_released(connection):
    assert lease_acquire(connection.pk, "a", 60)
    assert not lease_acquire(connection.pk, "b", 60)
    assert lease_acquire(connection.pk, "a", 60)  # renewal
    assert lease_is_held(connection.pk)
    lease_release(connection.pk, "a")
    assert lease_acquire(connection.pk, "b", -1)  # taken, but already lapsed
    assert lease_acquire(connection.pk, "c", 60)
