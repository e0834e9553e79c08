"""Route the simulators' models to the "sandbox" database."""

from __future__ import annotations

from typing import Any

SANDBOX_APPS = {"sandbox", "sandbox_cliniko", "sandbox_fergus"}


class SandboxRouter:
    def db_for_read(self, model: type, **hints: Any) -> str | None:
        return "sandbox" if model._meta.app_label in SANDBOX_APPS else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        a = obj1._meta.app_label in SANDBOX_APPS
        b = obj2._meta.app_label in SANDBOX_APPS
        return a == b

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        if app_label in SANDBOX_APPS:
            return db == "sandbox"
        # The cache table and django-q2 live beside the portal.
        return db == "default"
