"""Read-only operational admin: work items, attempts, runs, cross-references."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from sync.models import CrossReference, SyncRun, WorkAttempt, WorkItem
from sync.selectors import connections_visible_to


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operational logs are written by the engine only."""

    show_full_result_count = False
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        return qs.filter(**{f"{self.connection_path}__in": connections_visible_to(request.user)})

    connection_path = "connection"


class WorkAttemptInline(admin.TabularInline):
    model = WorkAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "outcome", "error_kind", "error", "duration_ms",
              "fergus_requests", "cliniko_requests"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WorkItem)
class WorkItemAdmin(ReadOnlyAdmin):
    list_display = ["id", "connection", "object_type", "cliniko_id", "state", "outcome",
                    "attempts", "next_attempt_at", "last_error_kind", "updated_at"]
    list_filter = ["state", "object_type", "last_error_kind", "origin", "connection"]
    search_fields = ["cliniko_id"]
    list_select_related = ["connection"]
    exclude = ["snapshot_ciphertext"]
    readonly_fields = [f.name for f in WorkItem._meta.fields if f.name != "snapshot_ciphertext"]
    inlines = [WorkAttemptInline]
    actions = ["replay_selected"]

    @admin.action(description="Re-sync selected now (uses the current mapping)",
                  permissions=["resync"])
    def replay_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        from sync.replay import work_items_replay

        count = work_items_replay(queryset, actor=request.user)
        self.message_user(request, f"{count} item(s) queued to run again now.", messages.SUCCESS)

    def has_resync_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("sync.resync_connection")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "connection", "kind", "status", "started_at", "finished_at", "fetched",
                    "created", "updated", "unchanged", "skipped", "failed", "dead",
                    "cliniko_requests", "fergus_requests"]
    list_filter = ["kind", "status", "connection"]
    list_select_related = ["connection"]
    readonly_fields = [f.name for f in SyncRun._meta.fields]


@admin.register(CrossReference)
class CrossReferenceAdmin(ReadOnlyAdmin):
    list_display = ["connection", "object_type", "cliniko_id", "fergus_kind", "fergus_id",
                    "state", "last_pushed_at"]
    list_filter = ["object_type", "state", "connection"]
    search_fields = ["cliniko_id", "fergus_id"]
    list_select_related = ["connection"]
    readonly_fields = [f.name for f in CrossReference._meta.fields]
