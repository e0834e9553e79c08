"""Admin for reconciliation runs, mismatches and schedules, scoped to visible connections."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from reports.models import Mismatch, ReconciliationRun, ReconciliationSetting
from sync.selectors import connections_visible_to


class ScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).filter(
            connection__in=connections_visible_to(request.user))


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(ScopedAdmin):
    list_display = ["started_at", "connection", "trigger", "status", "new", "resolved",
                    "cliniko_requests", "fergus_requests"]
    list_filter = ["status", "trigger", "connection"]
    readonly_fields = [f.name for f in ReconciliationRun._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Mismatch)
class MismatchAdmin(ScopedAdmin):
    # The encrypted values are never shown here; the report shows them to those allowed.
    list_display = ["kind", "connection", "object_type", "cliniko_id", "fergus_id", "field",
                    "state", "first_seen", "last_seen"]
    list_filter = ["kind", "state", "object_type", "connection", "run"]
    search_fields = ["cliniko_id", "key", "field"]
    exclude = ["values_ciphertext"]
    readonly_fields = ["connection", "run", "first_run", "kind", "object_type", "cliniko_id",
                       "fergus_id", "field", "key", "detail", "resync_item", "resync_by",
                       "resync_requested_at", "resolved_at", "first_seen", "last_seen",
                       "ignored_by", "ignored_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ReconciliationSetting)
class ReconciliationSettingAdmin(ScopedAdmin):
    list_display = ["connection", "frequency", "weekday", "at", "report_uninvoiced_jobs"]
