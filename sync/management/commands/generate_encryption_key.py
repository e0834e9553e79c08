from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **opts: Any) -> None:
        self.stdout.write(Fernet.generate_key().decode())
