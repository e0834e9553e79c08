"""Seed a deterministic, realistic Australian clinic into the Cliniko simulator.

`seed_clinic(patients=N, seed=S)` is idempotent per seed: a second call with the same
seed returns the clinic it made the first time. Rows go in with bulk_create so that
50,000 patients seed in well under a few minutes.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from sandbox.cliniko import models as m
from sandbox.cliniko.factory import build_invoice, build_patient, faker_for, local_slot, mobile
from sandbox.cliniko.ids import new_ids, now_s

BATCH = 2000
BUSINESSES = [
    ("Harbourside Physio Sydney", "Sydney", "Australia/Sydney", "NSW", "Sydney"),
    ("Riverside Physio Brisbane", "Brisbane", "Australia/Brisbane", "QLD", "Brisbane"),
    ("Parklands Physio Adelaide", "Adelaide", "Australia/Adelaide", "SA", "Adelaide"),
]
APPOINTMENT_TYPES = [  # name, category, minutes, max attendees, price
    ("Initial Consultation", "Physiotherapy", 60, 1, Decimal("120.00")),
    ("Standard Consultation", "Physiotherapy", 45, 1, Decimal("95.00")),
    ("Home Visit", "Mobile", 60, 1, Decimal("150.00")),
    ("Clinical Pilates (group)", "Exercise", 60, 6, Decimal("35.00")),
]
STAFF = [  # title, role, designation (None: not a practitioner), active
    ("Dr", "administrator", "Physiotherapist", True),
    ("", "practitioner", "Physiotherapist", True),
    ("", "practitioner", "Exercise Physiologist", True),
    ("", "practitioner", "Physiotherapist", False),
    ("", "receptionist", None, True),
]


@dataclass
class ClinicSeed:
    api_key: str  # the administrator's key
    shard: str
    account_id: int
    practitioner_emails: list[str] = field(default_factory=list)
    limited_api_key: str = ""  # a receptionist's key: GET /users answers 403


def _key(rng: random.Random, shard: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return "MS0x" + "".join(rng.choice(alphabet) for _ in range(40)) + f"-{shard}"


def _result(account: m.Account) -> ClinicSeed:
    admin_key = m.ApiKey.objects.filter(user__account=account, user__role="administrator").first()
    limited = (
        m.ApiKey.objects.filter(user__account=account).exclude(user__role="administrator").first()
    )
    emails = list(
        m.Practitioner.objects.filter(account=account, active=True)
        .order_by("created_at", "id")
        .values_list("user__email", flat=True)
    )
    return ClinicSeed(
        api_key=f"{admin_key.token}-{account.shard}" if admin_key else "",
        shard=account.shard,
        account_id=account.pk,
        practitioner_emails=emails,
        limited_api_key=f"{limited.token}-{account.shard}" if limited else "",
    )


def seed_clinic(patients: int, seed: int, shard: str = "au1") -> ClinicSeed:
    existing = m.Account.objects.filter(seed=seed).first()
    if existing is not None:
        return _result(existing)
    with transaction.atomic(using="sandbox"):
        account = _seed(patients, seed, shard)
    return _result(account)


def _seed(n_patients: int, seed: int, shard: str) -> m.Account:
    rng = random.Random(seed)
    fake = faker_for(seed)
    now = now_s()
    start = now - timedelta(days=540)
    account = m.Account.objects.create(
        name=f"{fake.last_name()} Physio Group", shard=shard, seed=seed, created_at=start
    )
    tax = m.Tax.objects.create(
        account=account, name="GST", rate=Decimal("10.0"), created_at=start, updated_at=start
    )
    del tax
    businesses = [
        m.Business.objects.create(
            account=account,
            business_name=name,
            display_name=name.rsplit(" ", 1)[0],
            address_1=fake.street_address(),
            city=city,
            state=state,
            post_code=fake.postcode(),
            time_zone=label,
            time_zone_identifier=zone,
            contact_information=f"Phone: {mobile(rng)}",
            created_at=start,
            updated_at=start,
        )
        for name, label, zone, state, city in BUSINESSES
    ]
    kinds = [
        m.AppointmentType.objects.create(
            account=account,
            name=name,
            category=cat,
            duration_in_minutes=minutes,
            max_attendees=maxp,
            price=price,
            created_at=start,
            updated_at=start,
        )
        for name, cat, minutes, maxp, price in APPOINTMENT_TYPES
    ]
    practitioners: list[m.Practitioner] = []
    for title, role, designation, active in STAFF:
        first, last = fake.first_name(), fake.last_name()
        user = m.User.objects.create(
            account=account,
            title=title,
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@{account.name.split()[0].lower()}physio.com.au".lower()
            .replace("’", "")
            .replace(" ", ""),
            phone_numbers=[{"phone_type": "Mobile", "number": mobile(rng)}],
            role=role,
            created_at=start,
            updated_at=start,
        )
        m.ApiKey.objects.create(user=user, token=_key(rng, shard).rsplit("-", 1)[0])
        if designation:
            practitioners.append(
                m.Practitioner.objects.create(
                    account=account,
                    user=user,
                    title=title,
                    first_name=first,
                    last_name=last,
                    designation=designation,
                    active=active,
                    default_appointment_type_id=kinds[1].id,
                    created_at=start,
                    updated_at=start,
                )
            )
    _seed_patients(account, fake, rng, n_patients, start, now)
    active = [p for p in practitioners if p.active]
    _seed_appointments(account, rng, active, businesses, kinds, now)
    _seed_groups(account, rng, active[0], businesses[0], kinds[3], now)
    return account


def _seed_patients(
    account: m.Account, fake: object, rng: random.Random, n: int, start: datetime, now: datetime
) -> None:
    shared: list[str] = []
    ids = new_ids(n)
    span = int((now - start).total_seconds())
    rows = []
    for pid in ids:
        when = start + timedelta(seconds=rng.randrange(span - 86400 * 7))
        p = build_patient(fake, rng, account, when, shared)  # type: ignore[arg-type]
        p.id = pid
        if rng.random() < 0.3:  # edited since creation
            p.updated_at = min(now, when + timedelta(days=rng.randrange(1, 200)))
        rows.append(p)
    for p in rows:
        roll = rng.random()
        if roll < 0.01:
            p.archived_at = p.updated_at
        elif roll < 0.015 and len(rows) > 1:
            # A merged duplicate: archived, pointing at the survivor (reference gotcha 7).
            survivor = rng.choice(rows)
            if survivor.id != p.id and survivor.merged_at is None:
                p.archived_at = p.merged_at = p.updated_at
                p.merged_with_patient_id = survivor.id
    m.Patient.objects.bulk_create(rows, batch_size=BATCH)


def _seed_appointments(
    account: m.Account,
    rng: random.Random,
    practs: list[m.Practitioner],
    businesses: list[m.Business],
    kinds: list[m.AppointmentType],
    now: datetime,
) -> None:
    patients = list(
        m.Patient.objects.filter(account=account, archived_at__isnull=True).values_list(
            "id", "first_name", "last_name", "created_at"
        )
    )
    appts: list[m.IndividualAppointment] = []
    invoices: list[m.Invoice] = []
    items: list[m.InvoiceItem] = []
    number = 1000
    for pid, first, last, joined in patients:
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3])):
            kind = rng.choice(kinds[:3])
            biz = rng.choice(businesses)
            day = (joined + timedelta(days=rng.randrange(0, 400))).date()
            starts = local_slot(rng, day, biz.time_zone_identifier)
            booked = min(joined + timedelta(hours=rng.randrange(1, 48)), now)
            a = m.IndividualAppointment(
                id=new_ids(1)[0],
                account=account,
                patient_id=pid,
                patient_name=f"{first} {last}",
                practitioner_id=rng.choice(practs).id,
                appointment_type_id=kind.id,
                business_id=biz.id,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=kind.duration_in_minutes),
                created_at=min(booked, starts),
                updated_at=min(booked, starts),
                notes=None,
            )
            if rng.random() < 0.1:  # rescheduled: moved a few days, later update
                a.starts_at += timedelta(days=rng.randrange(1, 6))
                a.ends_at = a.starts_at + timedelta(minutes=kind.duration_in_minutes)
                a.updated_at = min(now, a.created_at + timedelta(days=1))
            roll = rng.random()
            if roll < 0.08:
                a.cancelled_at = min(now, a.starts_at - timedelta(hours=rng.randrange(2, 48)))
                a.cancelled_at = max(a.cancelled_at, a.created_at)
                a.cancellation_reason = rng.choice([10, 20, 30, 31, 40, 50, 60])
                a.updated_at = a.cancelled_at
            elif a.starts_at < now and roll < 0.13:
                a.did_not_arrive = True
                a.updated_at = min(now, a.ends_at)
            elif a.starts_at < now:
                a.patient_arrived = True
                a.treatment_note_status = 90
                a.updated_at = min(now, a.ends_at)
                if rng.random() < 0.85 and a.ends_at < now - timedelta(days=3):
                    status = rng.choices([10, 20, 30, 40], weights=[12, 80, 5, 3])[0]
                    number += 1
                    inv, inv_items = build_invoice(
                        rng, account, a, kind, number, status, a.ends_at, f"{first} {last}"
                    )
                    inv.id = new_ids(1)[0]
                    for it in inv_items:
                        it.invoice_id, it.id = inv.id, new_ids(1)[0]
                    a.invoice_status = status
                    invoices.append(inv)
                    items.extend(inv_items)
            appts.append(a)
    m.IndividualAppointment.objects.bulk_create(appts, batch_size=BATCH)
    m.Invoice.objects.bulk_create(invoices, batch_size=BATCH)
    m.InvoiceItem.objects.bulk_create(items, batch_size=BATCH)


def _seed_groups(
    account: m.Account,
    rng: random.Random,
    pract: m.Practitioner,
    biz: m.Business,
    kind: m.AppointmentType,
    now: datetime,
) -> None:
    pool = list(
        m.Patient.objects.filter(account=account, archived_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:200]
    )
    if not pool:
        return
    for week in range(-4, 4):
        starts = local_slot(rng, (now + timedelta(weeks=week)).date(), biz.time_zone_identifier)
        created = min(now, starts - timedelta(days=14))
        group = m.GroupAppointment.objects.create(
            account=account,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=60),
            practitioner_id=pract.id,
            appointment_type_id=kind.id,
            business_id=biz.id,
            max_attendees=kind.max_attendees,
            created_at=created,
            updated_at=created,
        )
        for pid in rng.sample(pool, min(len(pool), rng.randrange(2, kind.max_attendees + 1))):
            m.Attendee.objects.create(
                account=account,
                booking=group,
                patient_id=pid,
                created_at=created,
                updated_at=created,
                arrived=True if starts < now else None,
            )
