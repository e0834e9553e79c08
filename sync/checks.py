"""System checks that refuse dangerous configurations."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility)
def check_queue_retry_exceeds_timeout(app_configs: Any = None, **kwargs: Any) -> list:
    conf = getattr(settings, "Q_CLUSTER", {})
    timeout = conf.get("timeout")
    retry = conf.get("retry")
    if timeout is None or retry is None:
        return [
            checks.Error(
                "Q_CLUSTER must set both 'timeout' and 'retry'.",
                hint="Set Q_TIMEOUT and Q_RETRY; retry must be larger than timeout.",
                id="sync.E001",
            )
        ]
    if retry <= timeout:
        return [
            checks.Error(
                f"django-q2 'retry' ({retry}s) is not larger than 'timeout' ({timeout}s): "
                "a task still running would be handed to a second worker and run twice.",
                hint="Set Q_RETRY to at least Q_TIMEOUT plus the longest task's margin.",
                id="sync.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, deploy=False)
def check_encryption_keys(app_configs: Any = None, **kwargs: Any) -> list:
    from sync.crypto import EncryptionKeyError, get_multifernet

    keys = [k for k in getattr(settings, "FIELD_ENCRYPTION_KEYS", []) if k.strip()]
    if not keys and not settings.DEBUG:
        return [
            checks.Error(
                "FIELD_ENCRYPTION_KEYS is not set: API keys cannot be stored encrypted.",
                hint="Generate one with `python manage.py generate_encryption_key`.",
                id="sync.E002",
            )
        ]
    try:
        get_multifernet()
    except EncryptionKeyError as exc:
        return [checks.Error(str(exc), id="sync.E003")]
    return []
