"""Shared helpers for the reports tests."""

from __future__ import annotations

from collections import Counter

from reports.models import Mismatch
from reports.reconcile import connection_reconcile
from sync.engine import clients_for, connection_backfill


def backfilled(live):
    runs = connection_backfill(live.connection, time_budget=120)
    assert runs and runs[-1].status in ("ok", "partial")
    return clients_for(live.connection)


def reconciled(live):
    run = connection_reconcile(live.connection)
    assert run.status == "ok", run.error
    return run


def open_kinds(live) -> Counter:
    return Counter(Mismatch.objects.filter(connection=live.connection, state="open")
                   .values_list("kind", flat=True))


def manager(username: str, *connections, password: str = "pw-for-tests-only-1"):
    """A practice manager (the role's group, not staff) assigned to `connections`."""
    from django.contrib.auth.models import Group, Permission, User

    from sync.models import ConnectionMember
    from sync.roles import PRACTICE_MANAGER, assign_role_permissions

    assign_role_permissions(Group, Permission)
    user = User.objects.create_user(username, password=password)
    user.groups.add(Group.objects.get(name=PRACTICE_MANAGER))
    for connection in connections:
        ConnectionMember.objects.create(connection=connection, user=user)
    return user
