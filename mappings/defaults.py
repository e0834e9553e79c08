"""The default template, status translations, filters and approval switches, in code.

`ensure_default_templates()` (idempotent) writes the default template to the
database; new connections get a copy (signals.py) and the admin can re-apply
it to an existing connection.
"""

from __future__ import annotations

from typing import Any

from mappings.kinds import APPOINTMENT_EVENT, INVOICE_JOB, KINDS, PATIENT_CUSTOMER, PATIENT_SITE

DEFAULT_TEMPLATE_NAME = "Standard Cliniko → Fergus"

_ADDRESS = ["address_1", "address_2", "address_3", "city", "state", "post_code", "country_code"]

# (sources, transform, params, target, note) per kind, in order.
DEFAULT_RULES: dict[str, list[tuple[list[str], str, dict[str, Any], str, str]]] = {
    PATIENT_CUSTOMER: [
        (["first_name", "last_name"], "compose_name", {"default": "Unknown"}, "customerFullName",
         "Legal name; Fergus matches duplicates on name + e-mail."),
        (["preferred_first_name", "first_name"], "preferred_first_name", {"default": "Unknown"},
         "mainContact.firstName", "Fergus requires a first name."),
        (["last_name"], "text", {}, "mainContact.lastName", ""),
        (["email"], "email", {"as_contact_item": True}, "mainContact.contactItems[]",
         "E-mail is the match key."),
        (["patient_phone_numbers"], "phone_contact_items",
         {"region": "AU", "format": "E164", "invalid": "keep_raw"},
         "mainContact.contactItems[]", "Invalid numbers are reported and kept as typed."),
        (_ADDRESS, "address_to_fergus", {"state_format": "abbreviation", "locality": "both"},
         "physicalAddress", ""),
    ],
    PATIENT_SITE: [
        (["first_name", "last_name"], "compose_name", {}, "name", ""),
        (["preferred_first_name", "first_name"], "preferred_first_name", {"default": "Unknown"},
         "defaultContact.firstName", ""),
        (["last_name"], "text", {"default": "Unknown"}, "defaultContact.lastName",
         "Fergus sites require a last name."),
        (_ADDRESS, "address_to_fergus", {"state_format": "abbreviation", "locality": "both"},
         "siteAddress", "Fergus requires siteAddress.address1 (see the default filter)."),
    ],
    APPOINTMENT_EVENT: [
        ([], "constant", {"value": "OTHER"}, "eventType",
         "Fergus has no JOB event type; OTHER needs no job."),
        (["$appointment_state"], "lookup", {"table": "appointment_state"}, "@action", ""),
        (["$appointment_state"], "lookup",
         {"table": "appointment_state.title_prefix", "on_missing": "default", "default": ""},
         "@title_prefix", ""),
        (["@title_prefix", "patient_name", "$appointment_type.name"], "template",
         {"template": "{prefix} {patient_name} — {appointment_type}",
          "names": ["prefix", "patient_name", "appointment_type"], "max_length": 200},
         "eventTitle", ""),
        (["starts_at"], "grid_start", {"minutes": 15}, "startTime", "UTC, snapped down."),
        (["ends_at", "starts_at"], "grid_end", {"minutes": 15}, "endTime", "UTC, snapped up."),
        (["starts_at", "ends_at"], "local_time", {"style": "range"}, "@local_times",
         "Exact local times for the description."),
        (["cancellation_reason"], "lookup",
         {"table": "cancellation_reason", "on_missing": "keep"}, "@cancellation", ""),
        (["@local_times", "$appointment_type.name", "$practitioner.label", "@cancellation",
          "id"], "template",
         {"template": "{when}\n{appointment_type} with {practitioner}\n{cancellation}\n"
                      "Cliniko appointment {id}",
          "names": ["when", "appointment_type", "practitioner", "cancellation", "id"]},
         "description", ""),
        (["$fergus_user_id"], "copy", {}, "userId",
         "The Fergus user whose e-mail matches the practitioner's Cliniko user."),
    ],
    INVOICE_JOB: [
        ([], "constant", {"value": "Charge Up"}, "jobType", ""),
        (["number", "$patient.first_name", "$patient.last_name"], "template",
         {"template": "Invoice {number} — {first_name} {last_name}",
          "names": ["number", "first_name", "last_name"], "max_length": 200}, "title", ""),
        (["number", "issue_date", "status_description", "net_amount", "tax_amount",
          "total_amount"], "template",
         {"template": "Cliniko invoice {number} issued {issue_date} ({status}).\n"
                      "Net {net} + GST {tax} = {total}.",
          "names": ["number", "issue_date", "status", "net", "tax", "total"]},
         "description", ""),
        (["number"], "text", {}, "customerReference", "The reconciliation key."),
        (["$fergus_customer_id"], "copy", {}, "customerId", ""),
        (["$fergus_site_id"], "copy", {}, "siteId", ""),
        (["number"], "template", {"template": "Invoice {number}", "names": ["number"]},
         "phase.title", ""),
        (["issue_date", "$practitioner.label"], "template",
         {"template": "Items of Cliniko invoice issued {issue_date} by {practitioner}",
          "names": ["issue_date", "practitioner"]}, "phase.description", ""),
        (["$invoice_items"], "invoice_line_items", {"is_labour": False, "with_code": True},
         "lineItems", ""),
        (["net_amount", "tax_amount", "total_amount", "$invoice_items"], "gst_check",
         {"rate": "10", "on_mismatch": "warning"}, "@gst",
         "Fergus tax is invoice-level: mixed or GST-free invoices are pushed with their net "
         "prices and reported (run warnings, reconciliation) rather than held back."),
        (["status"], "lookup", {"table": "invoice_status"}, "@expected_fergus_status",
         "What reconciliation expects the Fergus invoice status to be."),
    ],
}

# table → [(source_value, target_value, title_prefix, note)]
DEFAULT_TRANSLATIONS: dict[str, list[tuple[str, str, str, str]]] = {
    "invoice_status": [
        ("10", "unpaid", "", "Open."),
        ("20", "paid", "", "Paid."),
        # Closed means nothing more will be collected (e.g. written off);
        # Fergus has no written-off status and paid is the closest "settled".
        ("30", "paid", "", "Closed: settled without full payment; review if it matters."),
        # Open credit: the invoice is open with a credit owed to the patient.
        # Fergus has no credit status; unpaid keeps it visible as open.
        ("40", "unpaid", "", "Open credit: Fergus has no credit status."),
    ],
    "appointment_state": [
        ("booked", "create", "", "Create, or update when already linked."),
        ("rescheduled", "update", "", ""),
        ("cancelled", "delete", "Cancelled:", "Switch to keep_cancelled to keep it, prefixed."),
        ("did_not_arrive", "update", "DNA:", ""),
        ("arrived", "update", "", ""),
        ("archived", "delete", "", ""),
    ],
    "cancellation_reason": [
        ("10", "Feeling better", "", ""),
        ("20", "Condition worse", "", ""),
        ("30", "Sick", "", ""),
        ("31", "COVID-19 related", "", ""),
        ("40", "Away", "", ""),
        ("50", "Other", "", ""),
        ("60", "Work", "", ""),
    ],
}

# Values every translation table must cover (validated in the admin).
REQUIRED_SOURCE_VALUES = {table: [row[0] for row in rows]
                          for table, rows in DEFAULT_TRANSLATIONS.items()}
ALLOWED_TARGET_VALUES = {
    "invoice_status": ["unpaid", "draft", "voided", "paidDisputed", "unpaidDisputed", "paid"],
    "appointment_state": ["create", "update", "delete", "keep_cancelled", "skip"],
}

# (kind, field_path, operator, values, enabled, description)
DEFAULT_FILTERS: list[tuple[str, str, str, list[str], bool, str]] = [
    (PATIENT_CUSTOMER, "email", "present", [], False,
     "Only patients with an e-mail (Fergus matches customers on e-mail)."),
    (PATIENT_SITE, "address_1", "present", [], True,
     "Only patients with a street address (Fergus sites need address1)."),
    (APPOINTMENT_EVENT, "$business.id", "in", [], False,
     "Only appointments at these businesses (list their ids)."),
    (APPOINTMENT_EVENT, "$appointment_type.id", "in", [], False,
     "Only appointments of these types (list their ids)."),
    (APPOINTMENT_EVENT, "$practitioner.id", "in", [], False,
     "Only appointments for these practitioners (list their ids)."),
    (INVOICE_JOB, "total_amount", "gte", ["0.01"], False, "Skip invoices below $0.01."),
    (INVOICE_JOB, "status", "not_in", ["40"], False, "Skip invoices in status 40 (open credit)."),
]

DEFAULT_APPROVAL = dict.fromkeys(KINDS, False)


def ensure_default_templates() -> Any:
    """Create the default template when missing; returns it. Never overwrites edits."""
    from mappings.models import MappingTemplate, TemplateRule

    template, created = MappingTemplate.objects.get_or_create(
        name=DEFAULT_TEMPLATE_NAME,
        defaults={"is_default": True,
                  "description": "Patients → customers and sites, appointments → calendar "
                                 "events, invoices → Charge Up jobs."},
    )
    if created or not template.rules.exists():
        TemplateRule.objects.bulk_create(
            TemplateRule(template=template, kind=kind, position=(i + 1) * 10, sources=sources,
                         transform=name, params=params, target=target, note=note)
            for kind, rules in DEFAULT_RULES.items()
            for i, (sources, name, params, target, note) in enumerate(rules)
        )
    return template
