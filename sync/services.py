"""Connection services shared by the admin, the commands and the onboarding flow."""

from __future__ import annotations

from django.db import transaction

from sync import crypto
from sync.models import Connection


@transaction.atomic
def connection_create(
    *,
    name: str,
    clinic_name: str,
    cliniko_api_key: str,
    fergus_token: str,
    user_agent_email: str,
    cliniko_base_url: str = "",
    fergus_base_url: str = "",
    time_zone: str = "Australia/Sydney",
    state: str = Connection.State.DRAFT,
) -> Connection:
    connection = Connection(
        name=name,
        clinic_name=clinic_name,
        cliniko_user_agent_email=user_agent_email,
        cliniko_base_url=cliniko_base_url,
        fergus_base_url=fergus_base_url,
        time_zone=time_zone,
        state=state,
    )
    connection.cliniko_api_key = cliniko_api_key
    connection.fergus_token = fergus_token
    connection.full_clean()
    connection.save()
    return connection


def connections_rotate_keys() -> int:
    """Re-encrypt every stored secret under the first key. Returns rows changed."""
    changed = 0
    for connection in Connection.objects.select_for_update().iterator():
        with transaction.atomic():
            updates = {}
            for column in ("cliniko_api_key_ciphertext", "fergus_token_ciphertext"):
                value = getattr(connection, column)
                if value:
                    updates[column] = crypto.rotate(value)
            if updates:
                Connection.objects.filter(pk=connection.pk).update(**updates)
                changed += 1
    return changed


def connections_sync_enqueue(connections: list[Connection]) -> int:
    """Queue one sync cycle per connection, once the current transaction commits."""
    from django_q.tasks import async_task

    for connection in connections:
        transaction.on_commit(lambda pk=connection.pk: async_task(
            "sync.tasks.connection_sync_task", pk, task_name=f"sync-now-{pk}",
            group="sync-now"))
    return len(connections)
