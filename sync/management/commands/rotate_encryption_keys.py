from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sync.crypto import DecryptionError, EncryptionKeyError
from sync.services import connections_rotate_keys


class Command(BaseCommand):
    help = "Re-encrypt every stored secret under the first key of FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            changed = connections_rotate_keys()
        except (DecryptionError, EncryptionKeyError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Re-encrypted {changed} row(s) (credentials and queued snapshots) "
                          "under the first key.")
