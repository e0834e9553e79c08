"""Admin for connections: secrets are write-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from sync.models import Connection, ConnectionMember
from sync.selectors import connection_visible_to, connections_visible_to


class ConnectionForm(forms.ModelForm):
    # Write-only: never rendered back, not even masked fragments.
    new_cliniko_api_key = forms.CharField(
        label="Cliniko API key", required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Paste a key to set or replace it. Leave blank to keep the stored one.",
    )
    new_fergus_token = forms.CharField(
        label="Fergus personal access token", required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Paste a token (fergPAT_…) to set or replace it. Leave blank to keep it.",
    )

    class Meta:
        model = Connection
        fields = [
            "name", "clinic_name", "cliniko_user_agent_email", "cliniko_base_url",
            "fergus_base_url", "time_zone", "sync_patients", "sync_appointments",
            "sync_invoices", "poll_interval_seconds", "state",
        ]

    def clean_new_fergus_token(self) -> str:
        token = self.cleaned_data["new_fergus_token"]
        if token and any(ch.isspace() for ch in token):
            raise forms.ValidationError("The token must not contain spaces.")
        return token

    def clean_new_cliniko_api_key(self) -> str:
        key = self.cleaned_data["new_cliniko_api_key"]
        if key and any(ch.isspace() for ch in key):
            raise forms.ValidationError("The API key must not contain spaces.")
        return key

    def save(self, commit: bool = True) -> Connection:
        connection: Connection = super().save(commit=False)
        if self.cleaned_data.get("new_cliniko_api_key"):
            connection.cliniko_api_key = self.cleaned_data["new_cliniko_api_key"]
        if self.cleaned_data.get("new_fergus_token"):
            connection.fergus_token = self.cleaned_data["new_fergus_token"]
        if commit:
            connection.save()
            self.save_m2m()
        return connection


class ConnectionMemberInline(admin.TabularInline):
    model = ConnectionMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    form = ConnectionForm
    list_display = ["name", "clinic_name", "state", "cliniko_shard", "credentials", "updated_at"]
    list_filter = ["state", "cliniko_shard"]
    search_fields = ["name", "clinic_name"]
    readonly_fields = ["cliniko_shard", "credentials", "created_at", "updated_at"]
    inlines = [ConnectionMemberInline]
    actions = ["sync_now", "dry_run"]

    @admin.action(description="Sync now (runs a cycle in the background)",
                  permissions=["resync"])
    def sync_now(self, request: HttpRequest, queryset: Any) -> None:
        from sync.services import connections_sync_enqueue

        count = connections_sync_enqueue(list(queryset))
        self.message_user(request, f"A sync cycle was queued for {count} connection(s).")

    @admin.action(description="Dry run: what a sync would do now (writes nothing)",
                  permissions=["resync"])
    def dry_run(self, request: HttpRequest, queryset: Any) -> Any:
        from django.template.response import TemplateResponse

        from sync.clients.base import ApiError
        from sync.dryrun import connection_dry_run

        reports = []
        for connection in queryset:
            try:
                reports.append((connection, connection_dry_run(connection, max_pages=20), ""))
            except ApiError as exc:
                reports.append((connection, None, str(exc)))
        context = {**self.admin_site.each_context(request), "reports": reports,
                   "title": "Dry run", "opts": self.model._meta}
        return TemplateResponse(request, "admin/sync/dry_run.html", context)

    def has_resync_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("sync.resync_connection")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list:
        secret_fields: tuple = ()
        if request.user.has_perm("sync.set_connection_credentials"):
            secret_fields = ("new_cliniko_api_key", "new_fergus_token")
        return [
            (None, {"fields": ("name", "clinic_name", "state", "time_zone")}),
            ("Credentials", {"fields": ("credentials", *secret_fields)}),
            ("Cliniko", {"fields": ("cliniko_shard", "cliniko_user_agent_email",
                                    "cliniko_base_url")}),
            ("Fergus", {"fields": ("fergus_base_url",)}),
            ("What syncs", {"fields": ("sync_patients", "sync_appointments", "sync_invoices",
                                       "poll_interval_seconds")}),
            ("Timestamps", {"fields": ("created_at", "updated_at")}),
        ]

    @admin.display(description="Credentials")
    def credentials(self, obj: Connection) -> str:
        cliniko = "set" if obj.has_cliniko_key else "missing"
        fergus = "set" if obj.has_fergus_token else "missing"
        return f"Cliniko key {cliniko}; Fergus token {fergus}"

    def get_queryset(self, request: HttpRequest) -> Any:
        return connections_visible_to(request.user)

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        # Look beyond the scoped queryset so that another clinic's connection
        # answers 403 (has_view_permission below) rather than a vague redirect.
        try:
            return Connection.objects.get(pk=object_id)
        except (Connection.DoesNotExist, ValueError):
            return None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        if obj is not None and allowed:
            return connection_visible_to(obj, request.user)
        return allowed

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if obj is not None and allowed:
            return connection_visible_to(obj, request.user)
        return allowed

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        if obj is not None and allowed:
            return connection_visible_to(obj, request.user)
        return allowed


# Registering the operational admin and the onboarding flow (import side effects).
from sync import admin_onboarding, admin_work  # noqa: E402,F401,I001
