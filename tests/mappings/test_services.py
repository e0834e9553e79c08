"""Services: template copy on connection create, loading, holds, audit."""

from __future__ import annotations

import pytest

from mappings import services
from mappings.defaults import DEFAULT_RULES, DEFAULT_TEMPLATE_NAME
from mappings.kinds import INVOICE_JOB, PATIENT_CUSTOMER
from mappings.models import (
    ApprovalSetting,
    HeldRecord,
    MappingAudit,
    MappingRule,
    MappingTemplate,
    StatusTranslation,
    SyncFilter,
)

pytestmark = pytest.mark.django_db


def test_it_copies_the_default_template_to_a_new_connection(connection) -> None:
    assert MappingRule.objects.filter(connection=connection).count() == sum(
        len(r) for r in DEFAULT_RULES.values()
    )
    assert StatusTranslation.objects.filter(connection=connection, table="invoice_status",
                                            source_value="30").get().target_value == "paid"
    assert SyncFilter.objects.filter(connection=connection).exists()
    assert ApprovalSetting.objects.filter(connection=connection).count() == 4
    assert MappingTemplate.objects.get(name=DEFAULT_TEMPLATE_NAME).is_default


def test_it_does_not_copy_again_when_a_connection_is_saved_later(connection) -> None:
    MappingRule.objects.filter(connection=connection).delete()
    connection.clinic_name = "Renamed"
    connection.save()
    assert not MappingRule.objects.filter(connection=connection).exists()


def test_it_reapplies_the_template_replacing_rules_but_keeping_translation_edits(
    connection, admin_user
) -> None:
    MappingRule.objects.filter(connection=connection, kind=PATIENT_CUSTOMER).delete()
    StatusTranslation.objects.filter(connection=connection, source_value="40",
                                     table="invoice_status").update(target_value="unpaidDisputed")
    services.template_apply(connection, user=admin_user)
    assert MappingRule.objects.filter(connection=connection, kind=PATIENT_CUSTOMER).count() == \
        len(DEFAULT_RULES[PATIENT_CUSTOMER])
    assert StatusTranslation.objects.get(connection=connection, table="invoice_status",
                                         source_value="40").target_value == "unpaidDisputed"
    audit = MappingAudit.objects.get(action="apply", user=admin_user)
    assert audit.user == admin_user and audit.connection_id == connection.pk


def test_it_loads_only_enabled_rules_and_filters_in_order(connection) -> None:
    MappingRule.objects.filter(connection=connection, kind=INVOICE_JOB, position=10).update(
        enabled=False)
    rules = services.load_rules(connection, INVOICE_JOB)
    assert [r.position for r in rules] == sorted(r.position for r in rules)
    assert 10 not in [r.position for r in rules]
    assert services.load_filters(connection, INVOICE_JOB) == []  # invoice defaults are off


def test_it_loads_translations_with_title_prefixes(connection) -> None:
    tables = services.load_translations(connection)
    assert tables["appointment_state"]["cancelled"] == "delete"
    assert tables["appointment_state.title_prefix"]["did_not_arrive"] == "DNA:"
    assert tables["cancellation_reason"]["31"] == "COVID-19 related"


def test_it_holds_records_only_when_the_switch_is_on(connection) -> None:
    assert not services.approval_required(connection, INVOICE_JOB)
    ApprovalSetting.objects.filter(connection=connection, kind=INVOICE_JOB).update(hold_new=True)
    assert services.approval_required(connection, INVOICE_JOB)
    held = services.held_record_hold(connection, INVOICE_JOB, "1391200000000000042", "3 items")
    assert services.held_record_hold(connection, INVOICE_JOB, "1391200000000000042") == held
    assert services.held_record_state(connection, INVOICE_JOB, "1391200000000000042") == "pending"


def test_it_decides_a_hold_once(connection, admin_user) -> None:
    held = services.held_record_hold(connection, INVOICE_JOB, "1")
    assert services.held_record_approve(held, admin_user)
    assert not services.held_record_reject(held, admin_user)
    held.refresh_from_db()
    assert held.state == HeldRecord.State.APPROVED and held.decided_by == admin_user
    assert MappingAudit.objects.filter(model="mappings.heldrecord").count() == 1


def test_its_audit_snapshots_leave_out_secret_looking_fields(connection) -> None:
    snapshot = services.rule_snapshot(connection)
    assert not any("key" in k or "token" in k or "ciphertext" in k for k in snapshot)
    assert snapshot["name"] == "bayside"
