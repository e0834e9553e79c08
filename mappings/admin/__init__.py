"""Admin for mappings: per-connection rule sets, templates, holds and the audit trail.

Interfaces only: every save and action calls a service (mappings.services).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.urls import path

from mappings import services
from mappings.admin.forms import (
    FilterForm,
    RuleForm,
    RuleFormSet,
    TemplateRuleForm,
    TemplateRuleFormSet,
    TranslationForm,
    TranslationFormSet,
)
from mappings.admin.preview import preview_view
from mappings.kinds import KIND_CHOICES
from mappings.models import (
    ApprovalSetting,
    ConnectionMappings,
    HeldRecord,
    MappingAudit,
    MappingRule,
    MappingTemplate,
    StatusTranslation,
    SyncFilter,
    TemplateRule,
)
from sync.models import Connection
from sync.selectors import connection_visible_to, connections_visible_to


def _rule_inline(kind: str, label: str) -> type[admin.TabularInline]:
    formset = type(f"RuleFormSet_{kind}", (RuleFormSet,), {"kind": kind})

    class Inline(admin.TabularInline):
        model = MappingRule
        form = RuleForm
        extra = 0
        ordering = ["position", "id"]
        verbose_name = f"rule ({label})"
        verbose_name_plural = f"Rules: {label}"

        def get_queryset(self, request: HttpRequest) -> Any:
            return super().get_queryset(request).filter(kind=kind)

    Inline.formset = formset
    Inline.kind = kind  # type: ignore[attr-defined]
    Inline.__name__ = f"RuleInline_{kind}"
    return Inline


RULE_INLINES = [_rule_inline(kind, label) for kind, label in KIND_CHOICES]


class TranslationInline(admin.TabularInline):
    model = StatusTranslation
    form = TranslationForm
    formset = TranslationFormSet
    extra = 0
    verbose_name_plural = "Status translations"


class FilterInline(admin.TabularInline):
    model = SyncFilter
    form = FilterForm
    extra = 0
    verbose_name_plural = "Sync filters (a record must meet every enabled filter)"


class ApprovalInline(admin.TabularInline):
    model = ApprovalSetting
    extra = 0
    verbose_name_plural = "Approval holds (hold new records until approved)"


class AuditedInlinesMixin:
    """Writes a MappingAudit row for every row an inline formset creates, changes or deletes."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        model = formset.model
        ids = [f.instance.pk for f in formset.forms if f.instance.pk]
        old = {o.pk: services.rule_snapshot(o) for o in model.objects.filter(pk__in=ids)}
        deleted = [f.instance.pk for f in formset.deleted_forms if f.instance.pk]
        connection = form.instance if isinstance(form.instance, Connection) else None
        formset.save()
        for obj in formset.new_objects:
            services.audit_change(request.user, obj, None, "create")
        for obj, _fields in formset.changed_objects:
            services.audit_change(request.user, obj, old.get(obj.pk), "update")
        for pk in deleted:
            services.audit_write(request.user, model._meta.label_lower, str(pk), "delete",
                                 old.get(pk), None, connection)


@admin.register(ConnectionMappings)
class ConnectionMappingsAdmin(AuditedInlinesMixin, admin.ModelAdmin):
    list_display = ["name", "clinic_name", "state", "rule_count"]
    search_fields = ["name", "clinic_name"]
    fields = ["name", "clinic_name", "time_zone"]
    readonly_fields = ["name", "clinic_name", "time_zone"]
    inlines = [*RULE_INLINES, TranslationInline, FilterInline, ApprovalInline]
    actions = ["reapply_default_template"]
    change_form_template = "admin/mappings/connectionmappings/change_form.html"

    def get_queryset(self, request: HttpRequest) -> Any:
        ids = connections_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(pk__in=ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # connections are created in the Sync admin

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or connection_visible_to(obj, request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or connection_visible_to(obj, request.user))

    @admin.display(description="Rules")
    def rule_count(self, obj: Connection) -> int:
        return obj.mapping_rules.count()

    @admin.action(description="Re-apply the default template (replaces rules)")
    def reapply_default_template(self, request: HttpRequest, queryset: Any) -> None:
        for connection in queryset:
            count = services.template_apply(connection, user=request.user)
            self.message_user(request, f"{connection}: {count} rules from the default template.")

    def get_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        return [
            path("<path:object_id>/preview/", self.admin_site.admin_view(self.preview),
                 name=f"{info[0]}_{info[1]}_preview"),
            *super().get_urls(),
        ]

    def preview(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return preview_view(self, request, object_id)

    def render_change_form(self, request: HttpRequest, context: dict, *args: Any,
                           **kwargs: Any) -> HttpResponse:
        from mappings.transforms import TRANSFORMS

        context["transform_names"] = sorted(TRANSFORMS)
        context["kind_choices"] = KIND_CHOICES
        return super().render_change_form(request, context, *args, **kwargs)


class TemplateRuleInline(admin.TabularInline):
    model = TemplateRule
    form = TemplateRuleForm
    formset = TemplateRuleFormSet
    extra = 0
    ordering = ["kind", "position"]


@admin.register(MappingTemplate)
class MappingTemplateAdmin(AuditedInlinesMixin, admin.ModelAdmin):
    list_display = ["name", "is_default", "updated_at"]
    inlines = [TemplateRuleInline]
    actions = ["restore_default_template"]

    @admin.action(description="Create the built-in default template if missing")
    def restore_default_template(self, request: HttpRequest, queryset: Any) -> None:
        services.ensure_default_templates()
        self.message_user(request, "The default template is in place.")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        old = (services.rule_snapshot(MappingTemplate.objects.get(pk=obj.pk))
               if change else None)
        super().save_model(request, obj, form, change)
        services.audit_change(request.user, obj, old, "update" if change else "create")


@admin.register(HeldRecord)
class HeldRecordAdmin(admin.ModelAdmin):
    list_display = ["cliniko_id", "kind", "connection", "state", "held_at", "decided_by",
                    "decided_at"]
    list_filter = ["state", "kind", "connection"]
    list_select_related = ["connection", "decided_by"]
    readonly_fields = ["connection", "kind", "cliniko_id", "summary", "state", "held_at",
                       "decided_by", "decided_at"]
    actions = ["approve", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> Any:
        ids = connections_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(connection__in=ids)

    def _decide(self, request: HttpRequest, queryset: Any, approve: bool) -> None:
        done = sum(services.held_record_decide(h, request.user, approve) for h in queryset)
        skipped = queryset.count() - done
        verb = "approved" if approve else "rejected"
        self.message_user(request, f"{done} record(s) {verb}.")
        if skipped:
            self.message_user(request, f"{skipped} record(s) were already decided; left as is.",
                              messages.WARNING)

    @admin.action(description="Approve selected held records", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject selected held records", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, approve=False)


@admin.register(MappingAudit)
class MappingAuditAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "action", "model", "object_id", "connection"]
    list_filter = ["action", "model", "connection"]
    search_fields = ["username", "object_id"]
    list_select_related = ["connection"]
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
