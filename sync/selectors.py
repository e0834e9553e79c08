"""Read-side queries shared by the admin, the pages and the commands."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from sync.models import Connection, SyncRun


def user_sees_all_connections(user: Any) -> bool:
    if not user.is_active:
        return False
    return bool(user.is_superuser or user.has_perm("sync.view_all_connections"))


def connections_visible_to(user: Any) -> QuerySet[Connection]:
    if not user.is_authenticated or not user.is_active:
        return Connection.objects.none()
    if user_sees_all_connections(user):
        return Connection.objects.all()
    return Connection.objects.filter(connectionmember__user=user)


def connection_visible_to(connection: Connection, user: Any) -> bool:
    if user_sees_all_connections(user):
        return True
    return connection.connectionmember_set.filter(user=user).exists()


def last_successful_poll(connection: Connection) -> datetime | None:
    """When a cycle last read Cliniko successfully (a poll or a backfill step).

    A partial run counts when only some records failed, not when its pull stopped.
    """
    return (SyncRun.objects.filter(
        connection=connection, kind__in=[SyncRun.Kind.POLL, SyncRun.Kind.BACKFILL],
        status__in=[SyncRun.Status.OK, SyncRun.Status.PARTIAL], error="",
    ).order_by("-started_at").values_list("finished_at", flat=True).first())
