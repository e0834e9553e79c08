"""Keep each connection's reconciliation schedule in step with its setting."""

from __future__ import annotations

from typing import Any


def connection_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                     **kwargs: Any) -> None:
    if raw:
        return
    from reports.services import reconcile_schedule_ensure

    reconcile_schedule_ensure(instance)


def setting_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    from reports.services import reconcile_schedule_ensure

    reconcile_schedule_ensure(instance.connection)


def connection_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from reports.services import reconcile_schedule_remove

    reconcile_schedule_remove(instance.pk)
