from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from reports import signals
        from reports.models import ReconciliationSetting
        from sync.models import Connection

        post_save.connect(signals.connection_saved, sender=Connection,
                          dispatch_uid="reports.connection_saved")
        post_save.connect(signals.setting_saved, sender=ReconciliationSetting,
                          dispatch_uid="reports.setting_saved")
        post_delete.connect(signals.connection_deleted, sender=Connection,
                            dispatch_uid="reports.connection_deleted")
