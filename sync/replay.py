"""Putting items back in the queue: one, a selection, or a connection's dead letters."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from sync.models import Connection, ReplayAudit, WorkItem

log = logging.getLogger(__name__)
State = WorkItem.State
REPLAYABLE = (State.DEAD, State.RETRY, State.UNKNOWN, State.PENDING, State.HELD)


@transaction.atomic
def work_items_replay(queryset: QuerySet[WorkItem], *, actor: Any = None,
                      scope: str = "selected") -> int:
    """Run the selected items again now, with the current mapping.

    A dead item whose record already has a newer waiting item is simply closed:
    the newer one carries the latest data.
    """
    count = 0
    replayed: dict[int, list[int]] = {}
    for item in queryset.select_for_update().filter(state__in=REPLAYABLE):
        replayed.setdefault(item.connection_id, []).append(item.pk)
        waiting = WorkItem.objects.filter(
            connection_id=item.connection_id, object_type=item.object_type,
            cliniko_id=item.cliniko_id, state__in=WorkItem.OPEN_STATES,
        ).exclude(pk=item.pk).first()
        if waiting is not None:
            item.state = State.DONE
            item.outcome = "superseded"
            item.snapshot_ciphertext = ""  # the newer item carries the data
            item.save(update_fields=["state", "outcome", "snapshot_ciphertext", "updated_at"])
            waiting.next_attempt_at = None
            waiting.save(update_fields=["next_attempt_at", "updated_at"])
        else:
            item.state = State.UNKNOWN if item.look_first else State.PENDING
            item.next_attempt_at = None
            item.origin = "replay"
            # A fresh allowance of attempts; the attempt rows keep the history.
            item.attempts = 0
            item.save(update_fields=["state", "next_attempt_at", "origin", "attempts",
                                     "updated_at"])
        count += 1
        log.info("work item %s replayed by %s", item.pk, getattr(actor, "pk", "system"))
    user = actor if getattr(actor, "pk", None) and getattr(actor, "is_authenticated", False) \
        else None
    for connection_id, ids in replayed.items():
        ReplayAudit.objects.create(connection_id=connection_id, actor=user, scope=scope[:200],
                                   count=len(ids), item_ids=ids[:1000])
    return count


def connection_replay_dead(connection: Connection, *, since: datetime | None = None,
                           until: datetime | None = None, actor: Any = None) -> int:
    qs = WorkItem.objects.filter(connection=connection, state=State.DEAD)
    if since:
        qs = qs.filter(updated_at__gte=since)
    if until:
        qs = qs.filter(updated_at__lt=until)
    scope = "all dead" if not (since or until) else (
        f"dead from {since:%Y-%m-%d %H:%M} " if since else "dead ") + (
        f"until {until:%Y-%m-%d %H:%M}" if until else "")
    return work_items_replay(qs, actor=actor, scope=scope.strip())
