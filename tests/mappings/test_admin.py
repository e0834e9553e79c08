"""The mappings admin: validation messages on save, preview, audit, holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from mappings import preview as preview_module
from mappings.kinds import KINDS, PATIENT_CUSTOMER
from mappings.models import (
    ApprovalSetting,
    HeldRecord,
    MappingAudit,
    MappingRule,
    MappingTemplate,
    StatusTranslation,
    SyncFilter,
)
from tests.mappings.conftest import load

pytestmark = pytest.mark.django_db


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def change_data(connection) -> dict[str, str]:
    """The change form as the browser would post it, from the rows in the database."""
    data: dict[str, str] = {}

    def block(prefix: str, rows: list[dict[str, Any]]) -> None:
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    data[f"{prefix}-{i}-{key}"] = "on"
                elif value is not False:
                    data[f"{prefix}-{i}-{key}"] = str(value)

    for kind in KINDS:
        block(f"rules-{kind}", [
            {"id": r.pk, "connection": connection.pk, "position": r.position,
             "enabled": r.enabled, "sources": _json(r.sources), "transform": r.transform,
             "params": _json(r.params), "target": r.target, "note": r.note}
            for r in MappingRule.objects.filter(connection=connection, kind=kind)
            .order_by("position", "id")])
    block("status_translations", [
        {"id": t.pk, "connection": connection.pk, "table": t.table,
         "source_value": t.source_value, "target_value": t.target_value,
         "title_prefix": t.title_prefix, "note": t.note}
        for t in StatusTranslation.objects.filter(connection=connection)])
    block("filters", [
        {"id": f.pk, "connection": connection.pk, "kind": f.kind, "position": f.position,
         "enabled": f.enabled, "field_path": f.field_path, "operator": f.operator,
         "values": _json(f.values), "description": f.description}
        for f in SyncFilter.objects.filter(connection=connection)])
    block("approval_settings", [
        {"id": a.pk, "connection": connection.pk, "kind": a.kind, "hold_new": a.hold_new}
        for a in ApprovalSetting.objects.filter(connection=connection)])
    return data


def url(connection, name: str = "change") -> str:
    return reverse(f"admin:mappings_connectionmappings_{name}", args=[connection.pk])


def first_rule_index(connection, kind: str, target: str) -> int:
    rules = list(MappingRule.objects.filter(connection=connection, kind=kind)
                 .order_by("position", "id"))
    return next(i for i, r in enumerate(rules) if r.target == target)


def test_it_renders_every_mappings_admin_page(admin_client, connection) -> None:
    for name in ("connectionmappings", "heldrecord", "mappingaudit", "mappingtemplate"):
        assert admin_client.get(reverse(f"admin:mappings_{name}_changelist")).status_code == 200
    response = admin_client.get(url(connection))
    assert response.status_code == 200
    assert b"Rules: Patient" in response.content and b"Preview edited rules" in response.content
    template = MappingTemplate.objects.get()
    page = admin_client.get(reverse("admin:mappings_mappingtemplate_change", args=[template.pk]))
    assert page.status_code == 200 and b"compose_name" in page.content


def test_it_saves_an_edit_and_writes_an_audit_entry(admin_client, admin_user, connection) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "mainContact.lastName")
    data[f"rules-{PATIENT_CUSTOMER}-{i}-params"] = _json({"max_length": 40})
    response = admin_client.post(url(connection), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    audit = MappingAudit.objects.get(model="mappings.mappingrule", action="update")
    assert audit.user == admin_user and audit.connection_id == connection.pk
    assert audit.old_values["params"] == {} and audit.new_values["params"] == {"max_length": 40}


def test_it_saves_nothing_unchanged_into_the_audit(admin_client, connection) -> None:
    before = MappingAudit.objects.count()
    assert admin_client.post(url(connection), change_data(connection)).status_code == 302
    assert MappingAudit.objects.count() == before


def test_it_audits_deleted_rules_with_their_old_values(admin_client, connection) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "physicalAddress")
    data[f"rules-{PATIENT_CUSTOMER}-{i}-DELETE"] = "on"
    assert admin_client.post(url(connection), data).status_code == 302
    audit = MappingAudit.objects.get(action="delete")
    assert audit.old_values["target"] == "physicalAddress" and audit.new_values is None


def test_it_names_the_row_of_an_unknown_source_field(admin_client, connection) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "mainContact.lastName")
    data[f"rules-{PATIENT_CUSTOMER}-{i}-sources"] = _json(["lastname"])
    response = admin_client.post(url(connection), data)
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Row {i + 1} (position 30, target mainContact.lastName)" in text
    assert "a Cliniko patient has no field “lastname”" in text
    assert not MappingAudit.objects.filter(model="mappings.mappingrule").exists()


def test_it_explains_an_unknown_transform_and_bad_parameters(admin_client, connection) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "mainContact.lastName")
    data[f"rules-{PATIENT_CUSTOMER}-{i}-transform"] = "uppercase"
    j = first_rule_index(connection, PATIENT_CUSTOMER, "physicalAddress")
    data[f"rules-{PATIENT_CUSTOMER}-{j}-params"] = _json({"state_format": "long"})
    text = admin_client.post(url(connection), data).content.decode()
    assert "Unknown transform “uppercase”. Choose one of:" in text
    assert "Parameter “state_format” of “address_to_fergus” must be one of" in text


def test_it_refuses_to_leave_a_required_fergus_target_unmapped(admin_client, connection) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "mainContact.firstName")
    del data[f"rules-{PATIENT_CUSTOMER}-{i}-enabled"]
    text = admin_client.post(url(connection), data).content.decode()
    assert "Fergus requires “mainContact.firstName” for Patient → customer" in text


def test_it_reports_a_translation_table_missing_a_source_value(admin_client, connection) -> None:
    data = change_data(connection)
    rows = list(StatusTranslation.objects.filter(connection=connection))
    i = next(n for n, t in enumerate(rows) if t.table == "invoice_status" and
             t.source_value == "40")
    data[f"status_translations-{i}-DELETE"] = "on"
    text = admin_client.post(url(connection), data).content.decode()
    assert "Translation table invoice_status is missing the source value(s) 40" in text
    assert StatusTranslation.objects.filter(connection=connection, source_value="40",
                                            table="invoice_status").exists()


def test_it_reports_an_enabled_filter_without_values(admin_client, connection) -> None:
    data = change_data(connection)
    rows = list(SyncFilter.objects.filter(connection=connection))
    i = next(n for n, f in enumerate(rows) if f.field_path == "$business.id")
    data[f"filters-{i}-enabled"] = "on"
    text = admin_client.post(url(connection), data).content.decode()
    assert "Operator “in” needs at least one value" in text


def test_it_previews_a_pasted_record_with_the_saved_rules(admin_client, connection) -> None:
    response = admin_client.get(url(connection, "preview"), {
        "_preview_kind": PATIENT_CUSTOMER, "_preview_json": _json(load("patient_charlotte"))})
    assert response.status_code == 200
    runs = response.context["runs"]
    assert [r["label"] for r in runs] == ["Saved rules"]
    assert runs[0]["result"].payload["customerFullName"] == "Charlotte Nguyen"
    assert "+61412345678" in response.content.decode()  # the rule's output is shown


def test_it_previews_edited_rules_before_saving_them(admin_client, connection) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "customerFullName")
    data[f"rules-{PATIENT_CUSTOMER}-{i}-sources"] = _json(["title", "first_name", "last_name"])
    data.update({"_preview_edited": "1", "_preview_kind": PATIENT_CUSTOMER,
                 "_preview_json": _json(load("patient_charlotte"))})
    response = admin_client.post(url(connection, "preview"), data)
    before, after = (r["result"].payload for r in response.context["runs"])
    assert before["customerFullName"] == "Charlotte Nguyen"
    assert after["customerFullName"] == "Ms Charlotte Nguyen"
    rule = MappingRule.objects.filter(connection=connection, kind=PATIENT_CUSTOMER,
                                      target="customerFullName").get()
    assert rule.sources == ["first_name", "last_name"]  # nothing saved


def test_it_shows_validation_errors_instead_of_previewing_invalid_edits(
    admin_client, connection
) -> None:
    data = change_data(connection)
    i = first_rule_index(connection, PATIENT_CUSTOMER, "customerFullName")
    data[f"rules-{PATIENT_CUSTOMER}-{i}-transform"] = "nope"
    data.update({"_preview_edited": "1", "_preview_kind": PATIENT_CUSTOMER,
                 "_preview_json": _json(load("patient_charlotte"))})
    response = admin_client.post(url(connection, "preview"), data)
    assert len(response.context["runs"]) == 1
    assert any("Unknown transform “nope”" in e for e in response.context["edited_errors"])


def test_it_fetches_preview_records_through_the_pluggable_source(
    admin_client, connection, monkeypatch
) -> None:
    calls = []

    def source(conn, kind, query):
        calls.append((conn.pk, kind, query))
        return [load("patient_unicode")]

    monkeypatch.setattr(preview_module, "PREVIEW_RECORD_SOURCE", source)
    response = admin_client.get(url(connection, "preview"),
                                {"_preview_kind": PATIENT_CUSTOMER, "_preview_query": "Ngô"})
    assert calls == [(connection.pk, PATIENT_CUSTOMER, "Ngô")]
    assert response.context["runs"][0]["result"].payload["customerFullName"] == "Zoë Ngô-Đặng"


def test_it_degrades_to_pasting_when_no_cliniko_client_is_available(
    admin_client, connection, monkeypatch
) -> None:
    def unavailable(conn, kind, query):
        raise preview_module.PreviewUnavailable("The Cliniko client is not installed.")

    monkeypatch.setattr(preview_module, "PREVIEW_RECORD_SOURCE", unavailable)
    response = admin_client.get(url(connection, "preview"), {"_preview_query": "123"})
    assert response.status_code == 200
    assert "Paste a record&#x27;s JSON instead" in response.content.decode()


def test_it_hides_the_preview_from_users_without_change_permission(client, connection,
                                                                    django_user_model) -> None:
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(user)
    response = client.get(url(connection, "preview"), {"_preview_json": "{}"})
    assert response.status_code == 403


def test_it_approves_and_rejects_held_records_from_the_changelist(
    admin_client, admin_user, connection
) -> None:
    a = HeldRecord.objects.create(connection=connection, kind="invoice_job", cliniko_id="1")
    b = HeldRecord.objects.create(connection=connection, kind="invoice_job", cliniko_id="2")
    changelist = reverse("admin:mappings_heldrecord_changelist")
    admin_client.post(changelist, {"action": "approve", "_selected_action": [a.pk]})
    admin_client.post(changelist, {"action": "reject", "_selected_action": [a.pk, b.pk]})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.state, b.state) == ("approved", "rejected")
    assert b.decided_by == admin_user


def test_it_reapplies_the_default_template_from_the_changelist(admin_client, connection) -> None:
    MappingRule.objects.filter(connection=connection).delete()
    admin_client.post(reverse("admin:mappings_connectionmappings_changelist"),
                      {"action": "reapply_default_template", "_selected_action": [connection.pk]})
    assert MappingRule.objects.filter(connection=connection).exists()
