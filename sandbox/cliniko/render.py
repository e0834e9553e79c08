"""Records as the API serialises them: ids as strings, relations as links, UTC `Z` times,
money as decimal strings (`"110.0"` style, as in the reference examples)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sandbox.cliniko import models as m
from sandbox.cliniko.ids import iso

CANCELLATION_REASONS = {
    10: "Feeling Better",
    20: "Condition Worse",
    30: "Sick",
    31: "COVID-19 related",
    40: "Away",
    50: "Other",
    60: "Work",
}
CALCULATION_METHODS = {1: "Legacy", 2: "Tax exclusive", 3: "Tax inclusive"}


def money(value: Decimal | None) -> str | None:
    if value is None:
        return None
    # Cliniko writes "110.0", not "110.00": keep at least one decimal, drop trailing zeros.
    text = format(value.normalize(), "f")
    return text if "." in text else f"{text}.0"


def link(base: str, path: str) -> dict:
    return {"links": {"self": f"{base}/{path}"}}


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _sid(value: int | None) -> str | None:
    return None if value is None else str(value)


def normalized(number: str) -> str:
    digits = "".join(ch for ch in number if ch.isdigit())
    if digits.startswith("0"):
        return "61" + digits[1:]
    return digits


def phones(items: list[dict]) -> list[dict]:
    return [
        {
            "phone_type": p.get("phone_type"),
            "number": p.get("number"),
            "normalized_number": normalized(p.get("number") or ""),
        }
        for p in items
    ]


def stamps(obj: Any) -> dict:
    return {"created_at": iso(obj.created_at), "updated_at": iso(obj.updated_at)}


def patient(p: m.Patient, base: str) -> dict:
    me = f"patients/{p.id}"
    out = {
        "id": str(p.id),
        "title": p.title,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "preferred_first_name": p.preferred_first_name,
        "label": f"{p.first_name} {p.last_name}".strip(),
        "pronouns": None,
        "gender_identity": p.gender_identity,
        "sex": p.sex,
        "email": p.email,
        "patient_phone_numbers": phones(p.patient_phone_numbers or []),
        "address_1": p.address_1,
        "address_2": p.address_2,
        "address_3": p.address_3,
        "city": p.city,
        "state": p.state,
        "post_code": p.post_code,
        "country_code": p.country_code,
        "country": "Australia" if p.country_code == "AU" else "",
        "date_of_birth": _day(p.date_of_birth),
        "time_zone": p.time_zone,
        "notes": p.notes,
        "appointment_notes": p.appointment_notes,
        "occupation": p.occupation,
        "emergency_contact": p.emergency_contact,
        "old_reference_id": p.old_reference_id,
        "referral_source": "",
        "medicare": p.medicare,
        "medicare_reference_number": None,
        "dva_card_number": None,
        "invoice_default_to": None,
        "invoice_email": None,
        "invoice_extra_information": None,
        "accepted_privacy_policy": p.accepted_privacy_policy,
        "accepted_email_marketing": False,
        "accepted_sms_marketing": False,
        "receives_confirmation_emails": True,
        "receives_cancellation_emails": True,
        "reminder_type": p.reminder_type,
        "custom_fields": None,
        **stamps(p),
        "archived_at": iso(p.archived_at),
        "deleted_at": iso(p.deleted_at),
        "merged_at": iso(p.merged_at),
        "appointments": link(base, f"{me}/appointments"),
        "attendees": link(base, f"attendees?q%5B%5D=patient_id%3A%3D{p.id}"),
        "invoices": link(base, f"{me}/invoices"),
        "medical_alerts": link(base, f"{me}/medical_alerts"),
        "links": {"self": f"{base}/{me}"},
    }
    if p.merged_with_patient_id:
        out["merged_with_patient"] = link(base, f"patients/{p.merged_with_patient_id}")
    return out


def user(u: m.User, base: str) -> dict:
    return {
        "id": str(u.id),
        "title": u.title,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "email": u.email,
        "phone_numbers": phones(u.phone_numbers or []),
        "role": u.role,
        "active": u.active,
        "user_active": u.active,
        "time_zone": u.time_zone,
        "time_zone_identifier": u.time_zone_identifier,
        **stamps(u),
        "links": {"self": f"{base}/users/{u.id}"},
    }


def practitioner(p: m.Practitioner, base: str) -> dict:
    me = f"practitioners/{p.id}"
    label = " ".join(x for x in (p.title, p.first_name, p.last_name) if x)
    out = {
        "id": str(p.id),
        "title": p.title,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "display_name": label,
        "label": label,
        "designation": p.designation,
        "description": p.description,
        "active": p.active,
        "show_in_online_bookings": p.show_in_online_bookings,
        **stamps(p),
        "user": link(base, f"users/{p.user_id}"),
        "appointment_types": link(base, f"{me}/appointment_types"),
        "appointments": link(base, f"{me}/appointments"),
        "invoices": link(base, f"{me}/invoices"),
        "links": {"self": f"{base}/{me}"},
    }
    if p.default_appointment_type_id:
        out["default_appointment_type"] = link(
            base, f"appointment_types/{p.default_appointment_type_id}"
        )
    return out


def business(b: m.Business, base: str, type_ids: list[str]) -> dict:
    me = f"businesses/{b.id}"
    return {
        "id": str(b.id),
        "business_name": b.business_name,
        "display_name": b.display_name or b.business_name,
        "label": b.business_name,
        "address_1": b.address_1,
        "address_2": b.address_2,
        "city": b.city,
        "state": b.state,
        "post_code": b.post_code,
        "country": "Australia",
        "country_code": "AU",
        "time_zone": b.time_zone,
        "time_zone_identifier": b.time_zone_identifier,
        "contact_information": b.contact_information,
        "email_reply_to": None,
        "website_address": None,
        "business_registration_name": "ABN",
        "business_registration_value": None,
        "additional_information": None,
        "additional_invoice_information": None,
        "appointment_reminders_enabled": True,
        "show_in_online_bookings": b.show_in_online_bookings,
        "appointment_type_ids": type_ids,
        "archived_at": iso(b.archived_at),
        "deleted_at": iso(b.deleted_at),
        **stamps(b),
        "appointments": link(base, f"{me}/appointments"),
        "practitioners": link(base, f"{me}/practitioners"),
        "links": {"self": f"{base}/{me}"},
    }


def appointment_type(t: m.AppointmentType, base: str) -> dict:
    return {
        "id": str(t.id),
        "name": t.name,
        "category": t.category,
        "color": t.color,
        "description": t.description,
        "duration_in_minutes": t.duration_in_minutes,
        "max_attendees": t.max_attendees,
        "show_in_online_bookings": t.show_in_online_bookings,
        "telehealth_enabled": False,
        "online_payments_enabled": False,
        "online_payments_mode": t.online_payments_mode,
        "deposit_price": None,
        "add_deposit_to_account_credit": None,
        "online_bookings_lead_time_hours": 24,
        "appointment_confirmation_template_ids": None,
        "appointment_reminder_template_ids": None,
        "appointment_follow_up_template_ids": None,
        "archived_at": iso(t.archived_at),
        **stamps(t),
        "practitioners": link(base, f"appointment_types/{t.id}/practitioners"),
        "links": {"self": f"{base}/appointment_types/{t.id}"},
    }


def _booking_common(a: Any, base: str, kind: str, self_kind: str) -> dict:
    return {
        "id": str(a.id),
        "starts_at": iso(a.starts_at),
        "ends_at": iso(a.ends_at),
        "notes": a.notes,
        "telehealth_url": None,
        "repeat_rule": {},
        "archived_at": iso(a.archived_at),
        "deleted_at": iso(a.deleted_at),
        **stamps(a),
        "practitioner": link(base, f"practitioners/{a.practitioner_id}"),
        "appointment_type": link(base, f"appointment_types/{a.appointment_type_id}"),
        "business": link(base, f"businesses/{a.business_id}"),
        "attendees": link(base, f"{kind}/{a.id}/attendees"),
        "conflicts": link(base, f"{kind}/{a.id}/conflicts"),
        "repeats": link(base, f"{kind}?q%5B%5D=repeated_from_id%3A%3D{a.id}"),
        "links": {"self": f"{base}/{self_kind}/{a.id}"},
    }


def individual_appointment(a: m.IndividualAppointment, base: str, as_booking: bool = False) -> dict:
    out = _booking_common(
        a, base, "individual_appointments", "bookings" if as_booking else "individual_appointments"
    )
    out.update(
        {
            "patient_name": a.patient_name,
            "patient_arrived": a.patient_arrived,
            "did_not_arrive": a.did_not_arrive,
            "cancelled_at": iso(a.cancelled_at),
            "cancellation_reason": a.cancellation_reason,
            "cancellation_reason_description": CANCELLATION_REASONS.get(a.cancellation_reason, ""),
            "cancellation_note": a.cancellation_note,
            "invoice_status": a.invoice_status,
            "treatment_note_status": a.treatment_note_status,
            "email_reminder_sent": a.email_reminder_sent,
            "sms_reminder_sent": a.sms_reminder_sent,
            "online_booking_policy_accepted": None,
            "booking_ip_address": None,
            "has_patient_appointment_notes": False,
            "patient": link(base, f"patients/{a.patient_id}"),
        }
    )
    if a.repeated_from_id:
        out["repeated_from"] = link(base, f"individual_appointments/{a.repeated_from_id}")
    return out


def group_appointment(g: m.GroupAppointment, base: str, as_booking: bool = False) -> dict:
    out = _booking_common(
        g, base, "group_appointments", "bookings" if as_booking else "group_appointments"
    )
    out["max_attendees"] = g.max_attendees
    out["patient_ids"] = [
        str(a.patient_id)
        for a in g.attendee_set.all()
        if a.archived_at is None and a.cancelled_at is None
    ]
    return out


def attendee(a: m.Attendee, base: str) -> dict:
    return {
        "id": str(a.id),
        "arrived": a.arrived,
        "cancelled_at": iso(a.cancelled_at),
        "cancellation_reason": a.cancellation_reason,
        "cancellation_reason_description": CANCELLATION_REASONS.get(a.cancellation_reason, ""),
        "cancellation_note": a.cancellation_note,
        "invoice_status": a.invoice_status,
        "treatment_note_status": None,
        "notes": a.notes,
        "sent_email_reminders_count": 0,
        "sent_sms_reminders_count": 0,
        "telehealth_url": None,
        "archived_at": iso(a.archived_at),
        "deleted_at": iso(a.deleted_at),
        **stamps(a),
        "booking": link(base, f"bookings/{a.booking_id}"),
        "patient": link(base, f"patients/{a.patient_id}"),
        "invoices": link(base, f"attendees/{a.id}/invoices"),
        "links": {"self": f"{base}/attendees/{a.id}"},
    }


def invoice(i: m.Invoice, base: str) -> dict:
    out = {
        "id": str(i.id),
        "number": i.number,
        "issue_date": _day(i.issue_date),
        "status": i.status,
        "status_description": m.Invoice.STATUS.get(i.status, ""),
        "calculation_method": i.calculation_method,
        "calculation_method_description": CALCULATION_METHODS.get(i.calculation_method, ""),
        "net_amount": money(i.net_amount),
        "tax_amount": money(i.tax_amount),
        "total_amount": money(i.total_amount),
        "discounted_amount": money(i.discounted_amount),
        "invoice_to": i.invoice_to,
        "patient_extra_information": "",
        "notes": i.notes,
        "online_payment_url": None,
        "closed_at": iso(i.closed_at),
        "archived_at": iso(i.archived_at),
        "deleted_at": iso(i.deleted_at),
        **stamps(i),
        "patient": link(base, f"patients/{i.patient_id}"),
        "business": link(base, f"businesses/{i.business_id}"),
        "invoice_items": link(base, f"invoices/{i.id}/invoice_items"),
        "links": {"self": f"{base}/invoices/{i.id}"},
    }
    # Relationship links are optional on real invoices (gh:invoices "Paid" example).
    if i.practitioner_id:
        out["practitioner"] = link(base, f"practitioners/{i.practitioner_id}")
    if i.appointment_id:
        # The real API points at the legacy /appointments family here (gotcha 2).
        out["appointment"] = link(base, f"appointments/{i.appointment_id}")
    if i.attendee_id:
        out["attendee"] = link(base, f"attendees/{i.attendee_id}")
    return out


def invoice_item(it: m.InvoiceItem, base: str) -> dict:
    return {
        "id": str(it.id),
        "name": it.name,
        "code": it.code,
        "quantity": money(it.quantity),
        "unit_price": money(it.unit_price),
        "discount_percentage": money(it.discount_percentage),
        "discounted_amount": "0.0",
        "is_monetary_discount": False,
        "net_price": money(it.net_price),
        "tax_name": it.tax_name,
        "tax_rate": money(it.tax_rate),
        "tax_amount": money(it.tax_amount),
        "total_including_tax": money(it.total_including_tax),
        "concession_type_name": "",
        "archived_at": iso(it.archived_at),
        "deleted_at": iso(it.deleted_at),
        **stamps(it),
        "invoice": link(base, f"invoices/{it.invoice_id}"),
        "links": {"self": f"{base}/invoice_items/{it.id}"},
    }


def tax(t: m.Tax, base: str) -> dict:
    return {
        "id": str(t.id),
        "name": t.name,
        "rate": money(t.rate),
        "amount": money(t.rate),
        **stamps(t),
        "links": {"self": f"{base}/taxes/{t.id}"},
    }
