from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from sync.clients.base import ApiError, ErrorKind
from sync.models import WorkAttempt, WorkItem
from sync.outbox import (
    snapshot_decode,
    work_item_done,
    work_item_enqueue,
    work_item_failed,
    work_item_start,
    work_items_claim,
    work_items_recover,
)
from sync.retry import RetryPolicy

T1 = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
T2 = T1 + timedelta(minutes=5)
pytestmark = pytest.mark.django_db


def test_a_newer_change_supersedes_the_waiting_one(connection):
    first, created = work_item_enqueue(connection, "patient", "1390710863102485699",
                                       source_updated_at=T1, snapshot={"first_name": "A"})
    second, created_again = work_item_enqueue(connection, "patient", "1390710863102485699",
                                              source_updated_at=T2, snapshot={"first_name": "B"})
    assert created and not created_again
    assert first.pk == second.pk
    assert WorkItem.objects.count() == 1
    assert snapshot_decode(WorkItem.objects.get())["first_name"] == "B"


def test_an_older_change_does_not_overwrite_a_newer_one(connection):
    work_item_enqueue(connection, "patient", "7", source_updated_at=T2, snapshot={"v": 2})
    work_item_enqueue(connection, "patient", "7", source_updated_at=T1, snapshot={"v": 1})
    assert snapshot_decode(WorkItem.objects.get())["v"] == 2


def test_snapshots_are_encrypted_at_rest_and_purged_once_delivered(connection):
    item, _ = work_item_enqueue(connection, "patient", "7", source_updated_at=T1,
                                snapshot={"email": "distinct.patient@example.com"})
    assert "distinct.patient" not in item.snapshot_ciphertext
    [claimed] = work_items_claim(connection, worker="w1", limit=5)
    work_item_done(claimed, "created")
    claimed.refresh_from_db()
    assert claimed.state == "done" and claimed.snapshot_ciphertext == ""
    assert WorkAttempt.objects.get().outcome == "created"


def test_a_change_while_in_flight_queues_a_second_item_that_waits(connection):
    work_item_enqueue(connection, "patient", "7", source_updated_at=T1, snapshot={})
    [claimed] = work_items_claim(connection, worker="w1", limit=5)
    work_item_enqueue(connection, "patient", "7", source_updated_at=T2, snapshot={})
    assert WorkItem.objects.count() == 2
    # The second must not be taken while the first is in flight.
    assert work_items_claim(connection, worker="w2", limit=5) == []
    work_item_done(claimed, "created")
    assert len(work_items_claim(connection, worker="w2", limit=5)) == 1


def test_two_workers_never_claim_the_same_item(connection):
    for i in range(10):
        work_item_enqueue(connection, "patient", str(i), source_updated_at=T1, snapshot={})
    a = work_items_claim(connection, worker="a", limit=6)
    b = work_items_claim(connection, worker="b", limit=6)
    assert len(a) == 6 and len(b) == 4
    assert not {i.pk for i in a} & {i.pk for i in b}


def test_patients_are_claimed_before_appointments_and_invoices(connection):
    work_item_enqueue(connection, "invoice", "3", source_updated_at=T1, snapshot={})
    work_item_enqueue(connection, "appointment", "2", source_updated_at=T1, snapshot={})
    work_item_enqueue(connection, "patient", "1", source_updated_at=T1, snapshot={})
    assert [i.object_type for i in work_items_claim(connection, worker="w", limit=3)] == [
        "patient", "appointment", "invoice"]


def test_a_retryable_failure_waits_and_a_permanent_one_dead_letters(connection):
    policy = RetryPolicy(base_seconds=10, cap_seconds=60, max_attempts=3,
                         max_permanent_attempts=1)
    work_item_enqueue(connection, "patient", "1", source_updated_at=T1, snapshot={})
    work_item_enqueue(connection, "patient", "2", source_updated_at=T1, snapshot={})
    one, two = work_items_claim(connection, worker="w", limit=2)
    state = work_item_failed(one, ApiError("fergus", ErrorKind.SERVER, "POST /customers: 503",
                                           status=503), policy=policy)
    assert state == "retry"
    one.refresh_from_db()
    assert one.next_attempt_at > timezone.now() - timedelta(seconds=1)
    state = work_item_failed(two, ApiError("fergus", ErrorKind.VALIDATION,
                                           "POST /customers: 400 customerFullName",
                                           status=400), policy=policy)
    assert state == "dead"
    two.refresh_from_db()
    assert two.last_error_kind == "validation" and "customerFullName" in two.last_error


def test_a_rate_limit_waits_at_least_the_advertised_reset(connection):
    work_item_enqueue(connection, "patient", "1", source_updated_at=T1, snapshot={})
    [item] = work_items_claim(connection, worker="w", limit=1)
    before = timezone.now()
    work_item_failed(item, ApiError("fergus", ErrorKind.RATE_LIMITED, "429", status=429,
                                    retry_after=30))
    item.refresh_from_db()
    assert item.next_attempt_at >= before + timedelta(seconds=30)


def test_a_timeout_means_look_before_writing_again(connection):
    work_item_enqueue(connection, "patient", "1", source_updated_at=T1, snapshot={})
    [item] = work_items_claim(connection, worker="w", limit=1)
    work_item_failed(item, ApiError("fergus", ErrorKind.TIMEOUT, "POST /customers: timed out"))
    item.refresh_from_db()
    assert item.state == "unknown" and item.look_first


def test_a_lapsed_claim_comes_back_as_unknown_once_sending_had_started(connection):
    work_item_enqueue(connection, "patient", "1", source_updated_at=T1, snapshot={})
    work_item_enqueue(connection, "patient", "2", source_updated_at=T1, snapshot={})
    item, untouched = work_items_claim(connection, worker="dead-worker", limit=2,
                                       claim_seconds=-1)
    work_item_start(item)
    assert work_items_recover(connection) == 2
    untouched.refresh_from_db()
    assert untouched.state == "pending" and not untouched.look_first
    item.refresh_from_db()
    assert item.state == "unknown" and item.look_first
    [again] = work_items_claim(connection, worker="w2", limit=1)
    assert again.pk == item.pk and again.look_first
