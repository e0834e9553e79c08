"""Resolve a CONNECTION argument (id or name) for the operator commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from sync.models import Connection


def connection_from_arg(value: str) -> Connection:
    qs = Connection.objects.filter(pk=int(value)) if value.isdigit() else \
        Connection.objects.filter(name=value)
    connection = qs.first()
    if connection is None:
        names = ", ".join(Connection.objects.values_list("name", flat=True)[:20]) or "none"
        raise CommandError(f"No connection {value!r}. Known connections: {names}.")
    return connection
