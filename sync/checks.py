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


# The longest task: a cycle loop runs CYCLE_TASK_SECONDS, then may finish one
# connection_sync (up to 60 s of pushing) plus one slow HTTP answer.
TASK_MARGIN_SECONDS = 90


@checks.register(checks.Tags.compatibility)
def check_queue_timeout_exceeds_longest_task(app_configs: Any = None, **kwargs: Any) -> list:
    from sync.tasks import _cycle_seconds

    timeout = getattr(settings, "Q_CLUSTER", {}).get("timeout")
    if timeout is None:
        return []  # sync.E001 reports it
    longest = _cycle_seconds() + TASK_MARGIN_SECONDS
    if timeout <= longest:
        return [
            checks.Error(
                f"django-q2 'timeout' ({timeout}s) does not exceed the longest sync task "
                f"(CYCLE_TASK_SECONDS {_cycle_seconds():g}s + {TASK_MARGIN_SECONDS}s margin): "
                "a healthy cycle loop would be killed mid-push.",
                hint="Raise Q_TIMEOUT (and Q_RETRY above it) or lower CYCLE_TASK_SECONDS.",
                id="sync.E004",
            )
        ]
    return []
