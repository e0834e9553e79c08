"""Named operations on mappings; the admin, the engine and tasks all call these."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from mappings.defaults import (
    DEFAULT_APPROVAL,
    DEFAULT_FILTERS,
    DEFAULT_TRANSLATIONS,
    ensure_default_templates,
)
from mappings.engine import FilterSpec, Rule
from mappings.models import (
    ApprovalSetting,
    HeldRecord,
    MappingAudit,
    MappingRule,
    MappingTemplate,
    StatusTranslation,
    SyncFilter,
)
from sync.models import Connection

logger = logging.getLogger(__name__)

# Never copied into an audit row even if a model grows such a field.
_SECRET_HINTS = ("key", "token", "secret", "password", "ciphertext")


# --- Loading what the engine needs (once per run) ---------------------------
def load_rules(connection: Connection, kind: str) -> list[Rule]:
    return [
        Rule(r.position, list(r.sources or []), r.transform, r.target, dict(r.params or {}),
             r.enabled, r.pk, r.note)
        for r in MappingRule.objects.filter(connection=connection, kind=kind, enabled=True)
    ]


def load_filters(connection: Connection, kind: str) -> list[FilterSpec]:
    return [
        FilterSpec(f.position, f.field_path, f.operator, list(f.values or []), f.description,
                   f.enabled, f.pk)
        for f in SyncFilter.objects.filter(connection=connection, kind=kind, enabled=True)
    ]


def load_translations(connection: Connection) -> dict[str, dict[str, str]]:
    """{table: {source: target}}, plus "<table>.title_prefix" for title prefixes."""
    tables: dict[str, dict[str, str]] = {}
    for row in StatusTranslation.objects.filter(connection=connection):
        tables.setdefault(row.table, {})[row.source_value] = row.target_value
        tables.setdefault(f"{row.table}.title_prefix", {})[row.source_value] = row.title_prefix
    return tables


def approval_required(connection: Connection, kind: str) -> bool:
    return ApprovalSetting.objects.filter(connection=connection, kind=kind, hold_new=True).exists()


# --- Templates ---------------------------------------------------------------
@transaction.atomic
def template_apply(
    connection: Connection, template: MappingTemplate | None = None, user: Any = None
) -> int:
    """Replace the connection's rules with the template's; add missing default
    translations, filters and approval switches without overwriting edits."""
    template = template or ensure_default_templates()
    old = [rule_snapshot(r) for r in MappingRule.objects.filter(connection=connection)]
    MappingRule.objects.filter(connection=connection).delete()
    created = MappingRule.objects.bulk_create(
        MappingRule(connection=connection, kind=r.kind, position=r.position, enabled=r.enabled,
                    sources=r.sources, transform=r.transform, params=r.params, target=r.target,
                    note=r.note)
        for r in template.rules.all()
    )
    for table, rows in DEFAULT_TRANSLATIONS.items():
        for source_value, target_value, prefix, note in rows:
            StatusTranslation.objects.get_or_create(
                connection=connection, table=table, source_value=source_value,
                defaults={"target_value": target_value, "title_prefix": prefix, "note": note},
            )
    if not SyncFilter.objects.filter(connection=connection).exists():
        SyncFilter.objects.bulk_create(
            SyncFilter(connection=connection, kind=kind, position=(i + 1) * 10,
                       field_path=path, operator=op, values=values, enabled=enabled,
                       description=description)
            for i, (kind, path, op, values, enabled, description) in enumerate(DEFAULT_FILTERS)
        )
    for kind, hold in DEFAULT_APPROVAL.items():
        ApprovalSetting.objects.get_or_create(
            connection=connection, kind=kind, defaults={"hold_new": hold}
        )
    audit_write(user, "mappings.template", str(template.pk), "apply", {"rules": old},
                {"template": template.name, "rules": len(created)}, connection)
    return len(created)


# --- Approval holds ------------------------------------------------------------
def held_record_hold(
    connection: Connection, kind: str, cliniko_id: str, summary: str = ""
) -> HeldRecord:
    held, _ = HeldRecord.objects.get_or_create(
        connection=connection, kind=kind, cliniko_id=str(cliniko_id),
        defaults={"summary": summary[:200]},
    )
    return held


def held_record_state(connection: Connection, kind: str, cliniko_id: str) -> str | None:
    row = HeldRecord.objects.filter(
        connection=connection, kind=kind, cliniko_id=str(cliniko_id)
    ).values_list("state", flat=True).first()
    return row


def held_record_decide(held: HeldRecord, user: Any, approve: bool) -> bool:
    """Approve or reject a pending hold; False when someone already decided it."""
    state = HeldRecord.State.APPROVED if approve else HeldRecord.State.REJECTED
    # A conditional update: two admins pressing at once cannot both decide.
    changed = HeldRecord.objects.filter(pk=held.pk, state=HeldRecord.State.PENDING).update(
        state=state, decided_by=user, decided_at=timezone.now()
    )
    if changed:
        audit_write(user, "mappings.heldrecord", str(held.pk), "update",
                    {"state": HeldRecord.State.PENDING}, {"state": state}, held.connection)
        logger.info("held record %s %s by user %s", held.pk, state, getattr(user, "pk", None))
    return bool(changed)


def held_record_approve(held: HeldRecord, user: Any) -> bool:
    return held_record_decide(held, user, approve=True)


def held_record_reject(held: HeldRecord, user: Any) -> bool:
    return held_record_decide(held, user, approve=False)


# --- Audit -----------------------------------------------------------------------
def rule_snapshot(instance: Any) -> dict[str, Any]:
    """The audit view of a row: its editable fields, never secret-looking ones."""
    data = model_to_dict(instance)
    return {
        k: v for k, v in data.items()
        if not any(hint in k.lower() for hint in _SECRET_HINTS)
    }


def audit_write(
    user: Any,
    model: str,
    object_id: str,
    action: str,
    old: dict[str, Any] | None,
    new: dict[str, Any] | None,
    connection: Connection | None = None,
) -> MappingAudit:
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return MappingAudit.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        connection=connection, model=model, object_id=str(object_id), action=action,
        old_values=old, new_values=new,
    )


def audit_change(user: Any, instance: Any, old: dict[str, Any] | None, action: str) -> None:
    """Audit a saved or deleted row, skipping updates that changed nothing."""
    new = None if action == "delete" else rule_snapshot(instance)
    if action == "update" and old == new:
        return
    audit_write(user, instance._meta.label_lower, str(instance.pk), action, old, new,
                getattr(instance, "connection", None))
