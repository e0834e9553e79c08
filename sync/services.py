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


def encrypted_columns() -> list[tuple[type, list[str]]]:
    """Every model column holding ciphertext (any EncryptedTextField, in any app)."""
    from django.apps import apps

    from sync.fields import EncryptedTextField

    found = []
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields
                 if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def connections_rotate_keys() -> int:
    """Re-encrypt every stored secret and snapshot under the first key.

    Returns the number of rows changed. Each row is rewritten in its own small
    transaction, so a long rotation never blocks the sync for long.
    """
    changed = 0
    for model, columns in encrypted_columns():
        pks = model._default_manager.values_list("pk", flat=True)
        for pk in pks.iterator():
            with transaction.atomic():
                row = model._default_manager.select_for_update().filter(pk=pk).values(
                    *columns).first()
                if row is None:
                    continue
                updates = {c: crypto.rotate(v) for c, v in row.items() if v}
                if updates:
                    model._default_manager.filter(pk=pk).update(**updates)
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
