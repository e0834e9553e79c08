"""Read-only operational admin: work items, attempts, runs, cross-references."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from sync.models import (
    Alert,
    CrossReference,
    ReplayAudit,
    ResilienceSettings,
    SyncRun,
    WorkAttempt,
    WorkItem,
)
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
    actions = ["replay_selected", "replay_all_dead_of_connection"]
    change_list_template = "admin/sync/workitem/change_list.html"

    def get_urls(self) -> list:
        from django.urls import path

        return [path("replay-dead/", self.admin_site.admin_view(self.replay_dead_view),
                     name="sync_workitem_replay_dead"), *super().get_urls()]

    def replay_dead_view(self, request: HttpRequest) -> Any:
        """Replay a connection's dead letters, optionally within a date range."""
        from django.core.exceptions import PermissionDenied
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from sync.admin_replay import ReplayDeadForm
        from sync.replay import connection_replay_dead

        if not self.has_resync_permission(request):
            raise PermissionDenied
        form = ReplayDeadForm(request.POST or None,
                              connections=connections_visible_to(request.user))
        if request.method == "POST" and form.is_valid():
            count = connection_replay_dead(form.cleaned_data["connection"],
                                           since=form.cleaned_data.get("since"),
                                           until=form.cleaned_data.get("until"),
                                           actor=request.user)
            self.message_user(request, f"{count} dead item(s) queued to run again now.",
                              messages.SUCCESS)
            return redirect("admin:sync_workitem_changelist")
        context = {**self.admin_site.each_context(request), "form": form,
                   "title": "Replay dead letters", "opts": self.model._meta}
        return TemplateResponse(request, "admin/sync/workitem/replay_dead.html", context)

    @admin.action(description="Replay ALL dead items of the selected items' connections",
                  permissions=["resync"])
    def replay_all_dead_of_connection(self, request: HttpRequest, queryset: QuerySet) -> None:
        from sync.models import Connection
        from sync.replay import connection_replay_dead

        count = 0
        for connection in Connection.objects.filter(
                pk__in=queryset.values("connection_id").distinct()):
            count += connection_replay_dead(connection, actor=request.user)
        self.message_user(request, f"{count} dead item(s) queued to run again now.",
                          messages.SUCCESS)

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


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["connection", "kind", "subject", "opened_at", "cleared_at", "notified",
                    "recovery_notified"]
    list_filter = ["kind", "connection"]
    readonly_fields = [f.name for f in Alert._meta.fields]


@admin.register(ReplayAudit)
class ReplayAuditAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "connection", "actor", "scope", "count"]
    list_filter = ["connection"]
    readonly_fields = [f.name for f in ReplayAudit._meta.fields]


@admin.register(ResilienceSettings)
class ResilienceSettingsAdmin(admin.ModelAdmin):
    """Retry limits and alert recipients per connection (absent: the defaults)."""

    list_display = ["connection", "max_attempts", "max_permanent_attempts",
                    "backoff_cap_seconds", "alert_webhook_url"]

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "alert_webhook_url":
            kwargs["assume_scheme"] = "https"  # webhooks are HTTPS; Django 6's default too
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(
            connection__in=connections_visible_to(request.user))
