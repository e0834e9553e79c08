"""Mapping kinds, the Cliniko fields each kind can read, and what Fergus requires.

The field lists follow the Cliniko API reference §8 (OAS field names). They
are what the admin validates source paths against: a typo in a source path
is caught on save instead of silently mapping nothing.
"""

from __future__ import annotations

PATIENT_CUSTOMER = "patient_customer"
PATIENT_SITE = "patient_site"
APPOINTMENT_EVENT = "appointment_event"
INVOICE_JOB = "invoice_job"

KIND_CHOICES = [
    (PATIENT_CUSTOMER, "Patient → customer"),
    (PATIENT_SITE, "Patient → site"),
    (APPOINTMENT_EVENT, "Appointment → calendar event"),
    (INVOICE_JOB, "Invoice → Charge Up job"),
]
KINDS = [k for k, _ in KIND_CHOICES]
KIND_LABELS = dict(KIND_CHOICES)

_COMMON = ["id", "created_at", "updated_at", "archived_at", "deleted_at", "links"]

PATIENT_FIELDS = _COMMON + [
    "title", "first_name", "last_name", "preferred_first_name", "label", "pronouns",
    "gender", "gender_identity", "sex", "email", "patient_phone_numbers",
    "emergency_contact", "address_1", "address_2", "address_3", "city", "state",
    "post_code", "country_code", "country", "date_of_birth", "merged_at", "notes",
    "appointment_notes", "occupation", "old_reference_id", "referral_source", "medicare",
    "medicare_reference_number", "dva_card_number", "invoice_default_to", "invoice_email",
    "invoice_extra_information", "accepted_privacy_policy", "accepted_email_marketing",
    "accepted_sms_marketing", "receives_confirmation_emails", "receives_cancellation_emails",
    "reminder_type", "time_zone", "custom_fields", "concession_type", "referring_doctor",
    "appointments", "attendees", "invoices", "medical_alerts", "latest_booking",
    "merged_with_patient", "patient_attachments", "relationships",
]
APPOINTMENT_FIELDS = _COMMON + [
    "starts_at", "ends_at", "patient_name", "notes", "patient_arrived", "did_not_arrive",
    "cancelled_at", "cancellation_reason", "cancellation_reason_description",
    "cancellation_note", "invoice_status", "treatment_note_status", "email_reminder_sent",
    "sms_reminder_sent", "online_booking_policy_accepted", "booking_ip_address",
    "has_patient_appointment_notes", "telehealth_url", "repeat_rule", "repeats", "patient",
    "practitioner", "appointment_type", "business", "patient_case", "attendees", "conflicts",
    "repeated_from",
]
INVOICE_FIELDS = _COMMON + [
    "number", "issue_date", "status", "status_description", "closed_at", "total_amount",
    "tax_amount", "net_amount", "discounted_amount", "calculation_method",
    "calculation_method_description", "invoice_to", "patient_extra_information", "notes",
    "online_payment_url", "patient", "practitioner", "business", "appointment", "attendee",
    "invoice_items", "original_invoice", "reversed_invoices", "signature",
]
INVOICE_ITEM_FIELDS = _COMMON + [
    "name", "code", "quantity", "unit_price", "discount_percentage", "discounted_amount",
    "is_monetary_discount", "net_price", "tax_name", "tax_rate", "tax_amount",
    "total_including_tax", "concession_type_name", "invoice", "billable_item", "product",
]
PRACTITIONER_FIELDS = _COMMON + [
    "title", "first_name", "last_name", "display_name", "label", "designation",
    "description", "active", "show_in_online_bookings", "user", "default_appointment_type",
    "appointment_types", "appointments", "invoices", "practitioner_reference_numbers",
]
USER_FIELDS = _COMMON + [
    "title", "first_name", "last_name", "email", "phone_numbers", "role", "active",
    "user_active", "time_zone", "time_zone_identifier",
]
APPOINTMENT_TYPE_FIELDS = _COMMON + [
    "name", "category", "color", "description", "duration_in_minutes", "max_attendees",
    "show_in_online_bookings", "telehealth_enabled", "online_payments_enabled",
    "online_payments_mode", "deposit_price", "practitioners", "treatment_note_template",
]
BUSINESS_FIELDS = _COMMON + [
    "business_name", "display_name", "label", "address_1", "address_2", "city", "state",
    "post_code", "country", "country_code", "time_zone", "time_zone_identifier",
    "contact_information", "email_reply_to", "website_address", "business_registration_name",
    "business_registration_value", "additional_information", "additional_invoice_information",
    "appointment_type_ids", "practitioners", "appointments",
]

SOURCE_FIELDS: dict[str, list[str]] = {
    PATIENT_CUSTOMER: PATIENT_FIELDS,
    PATIENT_SITE: PATIENT_FIELDS,
    APPOINTMENT_EVENT: APPOINTMENT_FIELDS,
    INVOICE_JOB: INVOICE_FIELDS,
}
SOURCE_RESOURCE = {
    PATIENT_CUSTOMER: "patient",
    PATIENT_SITE: "patient",
    APPOINTMENT_EVENT: "individual appointment",
    INVOICE_JOB: "invoice",
}

# Context entries the engine supplies ($name paths). None: a scalar, no fields.
CONTEXT_FIELDS: dict[str, list[str] | None] = {
    "patient": PATIENT_FIELDS,
    "practitioner": PRACTITIONER_FIELDS,
    "practitioner_user": USER_FIELDS,
    "appointment_type": APPOINTMENT_TYPE_FIELDS,
    "business": BUSINESS_FIELDS,
    "invoice_items": INVOICE_ITEM_FIELDS,
    "previous": None,  # the record as last pushed (dict), for "rescheduled"
    "time_zone": None,
    "fergus_user_id": None,
    "fergus_customer_id": None,
    "fergus_site_id": None,
    "appointment_state": None,  # derived by the engine, see engine.appointment_state
}

# Targets Fergus rejects a write without (fergus-api.md §7.2, §7.4, §7.5, §7.7).
REQUIRED_TARGETS: dict[str, list[str]] = {
    PATIENT_CUSTOMER: ["customerFullName", "mainContact.firstName"],
    PATIENT_SITE: [
        "defaultContact.firstName", "defaultContact.lastName", "siteAddress.address1",
    ],
    APPOINTMENT_EVENT: ["eventTitle", "eventType", "startTime", "endTime"],
    INVOICE_JOB: ["jobType", "title", "description", "phase.title", "phase.description"],
}

# Known target roots per kind, so a misspelt target ("custmerFullName") is caught.
TARGET_ROOTS: dict[str, set[str]] = {
    PATIENT_CUSTOMER: {"customerFullName", "mainContact", "physicalAddress", "postalAddress"},
    PATIENT_SITE: {"name", "defaultContact", "billingContact", "siteAddress", "postalAddress"},
    APPOINTMENT_EVENT: {
        "eventTitle", "eventType", "startTime", "endTime", "description", "userId",
        "linkedUserIds",
    },
    INVOICE_JOB: {
        "jobType", "title", "description", "customerReference", "customerId", "siteId",
        "phase", "lineItems",
    },
}
