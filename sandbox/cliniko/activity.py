"""Play a clinic day: one realistic change per call, for the demo.

`play_step(account, rng)` returns a short description naming the kind of change and ids
(never patient values, which may end up in logs).
"""

from __future__ import annotations

import random
from datetime import timedelta

from sandbox.cliniko import models as m
from sandbox.cliniko.factory import build_invoice, build_patient, faker_for, local_slot, mobile
from sandbox.cliniko.ids import now_s

ACTIONS = [
    "new_patient",
    "edit_patient",
    "booking",
    "reschedule",
    "cancellation",
    "invoice",
    "payment",
]
WEIGHTS = [2, 3, 4, 2, 1, 2, 2]


def play_step(account: m.Account, rng: random.Random) -> str:
    for action in [rng.choices(ACTIONS, WEIGHTS)[0], *ACTIONS]:
        result = globals()[f"_{action}"](account, rng)
        if result:
            return result
    return "nothing to do"


def _pick(qs, rng: random.Random):  # type: ignore[no-untyped-def]
    count = qs.count()
    return qs[rng.randrange(count)] if count else None


def _new_patient(account: m.Account, rng: random.Random) -> str:
    p = build_patient(faker_for(rng.randrange(10**9)), rng, account, now_s(), [])
    p.save()
    return f"new patient {p.pk}"


def _edit_patient(account: m.Account, rng: random.Random) -> str | None:
    p = _pick(m.Patient.objects.filter(account=account, archived_at__isnull=True), rng)
    if p is None:
        return None
    p.patient_phone_numbers = [{"phone_type": "Mobile", "number": mobile(rng)}]
    p.touch()
    p.save()
    return f"edited patient {p.pk} (phone)"


def _booking(account: m.Account, rng: random.Random) -> str | None:
    p = _pick(m.Patient.objects.filter(account=account, archived_at__isnull=True), rng)
    pract = _pick(m.Practitioner.objects.filter(account=account, active=True), rng)
    biz = _pick(m.Business.objects.filter(account=account), rng)
    kind = _pick(m.AppointmentType.objects.filter(account=account, max_attendees=1), rng)
    if not (p and pract and biz and kind):
        return None
    starts = local_slot(
        rng, (now_s() + timedelta(days=rng.randrange(1, 21))).date(), biz.time_zone_identifier
    )
    a = m.IndividualAppointment.objects.create(
        account=account,
        patient_id=p.pk,
        patient_name=f"{p.first_name} {p.last_name}",
        practitioner_id=pract.pk,
        appointment_type_id=kind.pk,
        business_id=biz.pk,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=kind.duration_in_minutes),
    )
    return f"booked appointment {a.pk}"


def _future(account: m.Account):  # type: ignore[no-untyped-def]
    return m.IndividualAppointment.objects.filter(
        account=account, starts_at__gt=now_s(), cancelled_at__isnull=True, archived_at__isnull=True
    )


def _reschedule(account: m.Account, rng: random.Random) -> str | None:
    a = _pick(_future(account), rng)
    if a is None:
        return None
    shift = timedelta(days=rng.choice([-1, 1, 2, 7]), minutes=rng.choice([0, 30, 60]))
    if a.starts_at + shift <= now_s():
        shift = timedelta(days=1)
    a.starts_at += shift
    a.ends_at += shift
    a.touch()
    a.save()
    return f"rescheduled appointment {a.pk}"


def _cancellation(account: m.Account, rng: random.Random) -> str | None:
    a = _pick(_future(account), rng)
    if a is None:
        return None
    a.cancelled_at = now_s()
    a.cancellation_reason = rng.choice([10, 20, 30, 40, 50, 60])
    a.touch()
    a.save()
    return f"cancelled appointment {a.pk} (reason {a.cancellation_reason})"


def _invoice(account: m.Account, rng: random.Random) -> str | None:
    invoiced = m.Invoice.objects.filter(account=account).values("appointment_id")
    a = _pick(
        m.IndividualAppointment.objects.filter(
            account=account, starts_at__lt=now_s(), cancelled_at__isnull=True, did_not_arrive=False
        ).exclude(pk__in=invoiced),
        rng,
    )
    if a is None:
        return None
    kind = m.AppointmentType.objects.get(pk=a.appointment_type_id)
    last = m.Invoice.objects.filter(account=account).order_by("-number").first()
    inv, items = build_invoice(
        rng, account, a, kind, (last.number if last else 1000) + 1, 10, now_s(), a.patient_name
    )
    inv.save()
    for it in items:
        it.invoice_id = inv.pk
    m.InvoiceItem.objects.bulk_create(items)
    a.invoice_status = 10
    a.touch()
    a.save()
    return f"invoice {inv.pk} for appointment {a.pk}"


def _payment(account: m.Account, rng: random.Random) -> str | None:
    inv = _pick(m.Invoice.objects.filter(account=account, status=10), rng)
    if inv is None:
        return None
    inv.status = 20
    inv.closed_at = now_s()
    inv.touch()
    inv.save()
    if inv.appointment_id:
        m.IndividualAppointment.objects.filter(pk=inv.appointment_id).update(
            invoice_status=20, updated_at=now_s()
        )
    return f"payment closed invoice {inv.pk}"
