from __future__ import annotations

from django.apps import AppConfig


class MappingsConfig(AppConfig):
    name = "mappings"
    verbose_name = "Mappings"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from mappings.signals import connection_created
        from sync.models import Connection

        post_save.connect(connection_created, sender=Connection,
                          dispatch_uid="mappings.connection_created")
