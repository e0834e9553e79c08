from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Sync"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from sync import checks  # noqa: F401  (registers the system checks)
        from sync.roles import roles_sync_permissions
        from sync.schedules import schedules_ensure

        post_migrate.connect(roles_sync_permissions, dispatch_uid="sync.roles")
        post_migrate.connect(schedules_ensure, sender=self, dispatch_uid="sync.schedules")
