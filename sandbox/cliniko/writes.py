"""Write endpoints: patients (create, update, archive, unarchive, deprecated delete) and
individual appointments (create, update, cancel, archive). Every write bumps updated_at."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox.cliniko import models as m
from sandbox.cliniko import render
from sandbox.cliniko.api import Ctx, endpoint, json_body
from sandbox.cliniko.ids import now_s
from sandbox.cliniko.query import ApiProblem
from sandbox.cliniko.views import get_record, resource_list, resource_show

BLANK = "can’t be blank"  # U+2019, exactly as the real API writes it (#261)
PHONE_TYPES = {"Fax", "Home", "Mobile", "Other", "Work"}
PATIENT_TEXT = [
    "title",
    "first_name",
    "last_name",
    "preferred_first_name",
    "gender_identity",
    "sex",
    "email",
    "address_1",
    "address_2",
    "address_3",
    "city",
    "state",
    "post_code",
    "country_code",
    "time_zone",
    "notes",
    "appointment_notes",
    "occupation",
    "emergency_contact",
    "old_reference_id",
    "medicare",
    "reminder_type",
]
NULLABLE_TEXT = {"gender_identity", "sex", "email", "time_zone", "medicare"}
CANCEL_REASONS = set(render.CANCELLATION_REASONS)


def invalid(errors: dict[str, str | None]) -> ApiProblem:
    return ApiProblem(422, {"message": "Validation Failed", "errors": errors})


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


def _apply_patient(p: m.Patient, data: dict, creating: bool) -> None:
    errors: dict[str, str | None] = {}
    for name in PATIENT_TEXT:
        if name not in data:
            continue
        value = data[name]
        if value is None and name in NULLABLE_TEXT:
            setattr(p, name, None)
        elif value is None or isinstance(value, str):
            setattr(p, name, (value or "")[:255])
        else:
            errors[name] = "is invalid"
    for name in ("first_name", "last_name"):
        if (creating or name in data) and not (getattr(p, name) or "").strip():
            errors[name] = BLANK
    if "date_of_birth" in data:
        try:
            dob = data["date_of_birth"]
            p.date_of_birth = date.fromisoformat(dob) if dob else None
        except (TypeError, ValueError):
            errors["date_of_birth"] = "is not a valid date"
    if "accepted_privacy_policy" in data:
        p.accepted_privacy_policy = data["accepted_privacy_policy"]
    if "patient_phone_numbers" in data:
        phones = data["patient_phone_numbers"] or []
        ok = isinstance(phones, list) and all(
            isinstance(x, dict) and x.get("phone_type") in PHONE_TYPES for x in phones
        )
        if ok:
            # PATCH replaces the list (reference gotcha 11: treat as replace).
            p.patient_phone_numbers = [
                {"phone_type": x["phone_type"], "number": str(x.get("number") or "")}
                for x in phones
            ]
        else:
            errors["patient_phone_numbers"] = "is invalid"
    if errors:
        raise invalid(errors)
    p.touch()


def _created(body: dict, location: str) -> JsonResponse:
    response = JsonResponse(body, status=201, json_dumps_params={"ensure_ascii": False})
    response["Location"] = location
    return response


_patients_list = resource_list("patients")
_patients_show = resource_show("patients")


@endpoint(("GET", "POST"))
def patients(request: HttpRequest, ctx: Ctx) -> Any:
    if request.method == "GET":
        return _patients_list.raw(request, ctx)
    patient = m.Patient(account=ctx.account)
    _apply_patient(patient, json_body(request), creating=True)
    patient.created_at = patient.updated_at
    patient.save()
    body = render.patient(patient, ctx.base)
    return _created(body, body["links"]["self"])


def _archive(row: Any) -> None:
    if row.archived_at is None:
        row.archived_at = now_s()
    row.touch()
    row.save()


@endpoint(("GET", "PATCH", "PUT", "DELETE"))
def patient(request: HttpRequest, ctx: Ctx, record_id: str) -> Any:
    if request.method == "GET":
        return _patients_show.raw(request, ctx, record_id=record_id)
    row = get_record("patients", ctx, record_id)
    if request.method == "DELETE":  # deprecated; it archives (OAS ArchivePatient-Delete)
        _archive(row)
        return no_content()
    _apply_patient(row, json_body(request), creating=False)
    row.save()
    return render.patient(row, ctx.base)


@endpoint(("POST",))
def patient_archive(request: HttpRequest, ctx: Ctx, record_id: str) -> HttpResponse:
    _archive(get_record("patients", ctx, record_id))
    return no_content()


@endpoint(("POST",))
def patient_unarchive(request: HttpRequest, ctx: Ctx, record_id: str) -> dict:
    row = get_record("patients", ctx, record_id)
    row.archived_at = None
    row.touch()
    row.save()
    return render.patient(row, ctx.base)


# --- individual appointments ---------------------------------------------------

_RELATIONS = {
    "patient_id": (m.Patient, "patient"),
    "practitioner_id": (m.Practitioner, "practitioner"),
    "appointment_type_id": (m.AppointmentType, "appointment_type"),
    "business_id": (m.Business, "business"),
}


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(microsecond=0) if parsed.tzinfo else None


def _apply_appointment(ctx: Ctx, a: m.IndividualAppointment, data: dict, creating: bool) -> None:
    errors: dict[str, str | None] = {}
    related: dict[str, Any] = {}
    for key, (model, label) in _RELATIONS.items():
        if key not in data and not creating:
            continue
        raw = data.get(key)
        if raw in (None, ""):
            errors[label] = BLANK
            continue
        try:
            row = model.objects.filter(account=ctx.account, pk=int(raw)).first()
        except (TypeError, ValueError):
            row = None
        if row is None:
            errors[label] = "must exist"
        else:
            related[key] = row
    if creating or "starts_at" in data:
        starts = _time(data.get("starts_at"))
        if starts is None:
            errors["starts_at"] = BLANK if not data.get("starts_at") else "is invalid"
        else:
            a.starts_at = starts
    if "notes" in data:
        a.notes = data["notes"]
    if errors:
        raise invalid(errors)
    for key, row in related.items():
        setattr(a, key, row.pk)
    if "patient_id" in related:
        p = related["patient_id"]
        a.patient_name = f"{p.first_name} {p.last_name}"
    if "ends_at" in data and data["ends_at"] is not None:
        ends = _time(data["ends_at"])
        if ends is None or ends <= a.starts_at:
            raise invalid({"ends_at": "must be after starts_at"})
        a.ends_at = ends
    elif creating or "ends_at" in data or "starts_at" in data:
        # ends_at defaults from the appointment type's duration (null recomputes it).
        kind = m.AppointmentType.objects.get(pk=a.appointment_type_id)
        a.ends_at = a.starts_at + timedelta(minutes=kind.duration_in_minutes)
    a.touch()


_appointments_list = resource_list("individual_appointments")
_appointments_show = resource_show("individual_appointments")


@endpoint(("GET", "POST"))
def individual_appointments(request: HttpRequest, ctx: Ctx) -> Any:
    if request.method == "GET":
        return _appointments_list.raw(request, ctx)
    appt = m.IndividualAppointment(account=ctx.account)
    _apply_appointment(ctx, appt, json_body(request), creating=True)
    appt.created_at = appt.updated_at
    appt.save()
    body = render.individual_appointment(appt, ctx.base)
    return _created(body, body["links"]["self"])


@endpoint(("GET", "PATCH", "PUT", "DELETE"))
def individual_appointment(request: HttpRequest, ctx: Ctx, record_id: str) -> Any:
    if request.method == "GET":
        return _appointments_show.raw(request, ctx, record_id=record_id)
    row = get_record("individual_appointments", ctx, record_id)
    if request.method == "DELETE":  # deprecated; archives
        _archive(row)
        return no_content()
    _apply_appointment(ctx, row, json_body(request), creating=False)
    row.save()
    return render.individual_appointment(row, ctx.base)


@endpoint(("PATCH",))
def individual_appointment_cancel(request: HttpRequest, ctx: Ctx, record_id: str) -> Any:
    row = get_record("individual_appointments", ctx, record_id)
    data = json_body(request)
    reason = data.get("cancellation_reason")
    if reason in (None, ""):
        raise invalid({"cancellation_reason": BLANK})
    try:
        reason = int(reason)
    except (TypeError, ValueError):
        reason = None
    if reason not in CANCEL_REASONS:
        raise invalid({"cancellation_reason": "is not included in the list"})
    if row.cancelled_at is None:  # cancellation is irreversible: cancelled_at never moves
        row.cancelled_at = now_s()
        row.cancellation_reason = reason
        row.cancellation_note = data.get("cancellation_note")
        row.touch()
        row.save()
    return no_content()


@endpoint(("POST",))
def individual_appointment_archive(request: HttpRequest, ctx: Ctx, record_id: str) -> Any:
    _archive(get_record("individual_appointments", ctx, record_id))
    return no_content()
