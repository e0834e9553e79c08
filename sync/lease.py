"""One pipeline per connection: a lease row claimed with a conditional update."""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from sync.models import ConnectionLease


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def lease_acquire(connection_id: int, holder: str, seconds: float) -> bool:
    """Take (or renew) the lease; False when someone else holds a live one."""
    ConnectionLease.objects.get_or_create(connection_id=connection_id)
    now = timezone.now()
    taken = ConnectionLease.objects.filter(connection_id=connection_id).filter(
        Q(expires_at__isnull=True) | Q(expires_at__lt=now) | Q(holder=holder)
    ).update(holder=holder, expires_at=now + timedelta(seconds=seconds))
    return taken == 1


def lease_release(connection_id: int, holder: str) -> None:
    ConnectionLease.objects.filter(connection_id=connection_id, holder=holder).update(
        holder="", expires_at=None
    )


def lease_is_held(connection_id: int) -> bool:
    return ConnectionLease.objects.filter(
        connection_id=connection_id, expires_at__gt=timezone.now()
    ).exclude(holder="").exists()
