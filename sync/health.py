"""/healthz: is the portal able to sync? JSON, 200 when healthy, 503 otherwise.

Checks the database, the task broker, and per live connection the age of its last
successful poll (stale after HEALTH_POLL_STALE_SECONDS). No secrets, no patient data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> bool:
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not ok"
        return False


def _broker() -> bool:
    try:
        from django_q.brokers import get_broker

        broker = get_broker()
        if hasattr(broker, "ping") and broker.ping() is False:
            return False
        broker.queue_size()
        return True
    except Exception:  # noqa: BLE001
        return False


def _connections() -> tuple[list[dict[str, Any]], bool]:
    from sync.models import Connection
    from sync.selectors import last_successful_poll

    stale_after = float(getattr(settings, "HEALTH_POLL_STALE_SECONDS", 600))
    now = timezone.now()
    rows, healthy = [], True
    for connection in Connection.objects.filter(state=Connection.State.LIVE):
        last = last_successful_poll(connection)
        age = (now - last).total_seconds() if last else None
        ok = age is not None and age <= stale_after
        healthy = healthy and ok
        rows.append({"id": connection.pk, "name": connection.name,
                     "last_successful_poll_age_seconds": None if age is None else round(age, 1),
                     "ok": ok})
    return rows, healthy


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    database = _database()
    broker = _broker() if database or "redis" in settings.Q_CLUSTER else False
    rows, polls_ok = _connections() if database else ([], False)
    ok = database and broker and polls_ok
    return JsonResponse({"status": "ok" if ok else "unhealthy", "database": database,
                         "broker": broker, "connections": rows}, status=200 if ok else 503)
