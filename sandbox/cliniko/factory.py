"""Builders of realistic Australian clinic records, shared by the seeder and the activity
generator. They return unsaved model instances; callers save or bulk_create them."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import phonenumbers
from faker import Faker

from sandbox.cliniko import models as m

STATES = [  # (abbreviation, full name): clinics type both
    ("NSW", "New South Wales"),
    ("VIC", "Victoria"),
    ("QLD", "Queensland"),
    ("SA", "South Australia"),
    ("WA", "Western Australia"),
    ("TAS", "Tasmania"),
    ("ACT", "Australian Capital Territory"),
    ("NT", "Northern Territory"),
]
AREA_CODE = {
    "NSW": "02",
    "ACT": "02",
    "VIC": "03",
    "TAS": "03",
    "QLD": "07",
    "SA": "08",
    "WA": "08",
    "NT": "08",
}
UNICODE_FIRST = [
    "Zoë",
    "José",
    "Siobhán",
    "Åsa",
    "Renée",
    "Chloé",
    "Đức",
    "Łukasz",
    "Míra",
    "Søren",
    "Nguyễn",
    "Anaïs",
]
UNICODE_LAST = [
    "O’Brien",
    "Nguyễn",
    "Müller",
    "García",
    "Kovačević",
    "Núñez",
    "Brontë",
    "Þórsson",
    "D’Angelo",
    "Łódź",
]
CENT = Decimal("0.01")
PRODUCTS = [
    ("Theraband – medium", "TB-M", Decimal("18.00")),
    ("Hot/cold pack", "HCP", Decimal("24.50")),
    ("Foam roller", "FR-45", Decimal("39.95")),
    ("Kinesiology tape", "KT-5", Decimal("14.00")),
]


def faker_for(seed: int) -> Faker:
    fake = Faker("en_AU")
    fake.seed_instance(seed)
    return fake


def _valid(number: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, "AU"))
    except phonenumbers.NumberParseException:
        return False


def mobile(rng: random.Random) -> str:
    """A mobile in an allocated range (build_patient adds the odd typo on purpose)."""
    for _ in range(50):
        digits = f"4{rng.randrange(10**8):08d}"
        number = f"0{digits[:3]} {digits[3:6]} {digits[6:]}"
        if _valid(number):
            return number
    return number


def landline(rng: random.Random, state: str) -> str:
    for _ in range(50):
        digits = f"{rng.randrange(2, 10)}{rng.randrange(10**7):07d}"
        number = f"({AREA_CODE.get(state, '02')}) {digits[:4]} {digits[4:]}"
        if _valid(number):
            return number
    return number


def build_patient(
    fake: Faker, rng: random.Random, account: m.Account, when: datetime, shared_emails: list[str]
) -> m.Patient:
    first, last = fake.first_name(), fake.last_name()
    if rng.random() < 0.04:
        first = rng.choice(UNICODE_FIRST)
    if rng.random() < 0.04:
        last = rng.choice(UNICODE_LAST)
    abbr, full = rng.choice(STATES)
    state = full if rng.random() < 0.3 else abbr
    phones = [{"phone_type": "Mobile", "number": mobile(rng)}]
    if rng.random() < 0.35:
        phones.append({"phone_type": rng.choice(["Home", "Work"]), "number": landline(rng, abbr)})
    if rng.random() < 0.05:
        phones = [{"phone_type": "Home", "number": landline(rng, abbr)}]
    if rng.random() < 0.02:
        # Typed in a hurry: a digit short. The sync must report it, not drop it.
        phones[0]["number"] = phones[0]["number"][:-1]
    roll = rng.random()
    if roll < 0.12:
        email = None  # many older patients have no e-mail
    elif roll < 0.15 and shared_emails:
        email = rng.choice(shared_emails)  # a family sharing one inbox
    else:
        email = f"{fake.user_name()}{rng.randrange(100)}@{fake.free_email_domain()}"
        if len(shared_emails) < 40 and rng.random() < 0.05:
            shared_emails.append(email)
    unit = rng.random() < 0.2
    return m.Patient(
        account=account,
        title=rng.choice(["", "Mr", "Ms", "Mrs", "Dr", "Miss"]),
        first_name=first,
        last_name=last,
        preferred_first_name=first[:3] if rng.random() < 0.05 else "",
        gender_identity=rng.choice(["Woman", "Man", None, "Non-binary"]),
        sex=rng.choice(["Female", "Male", None]),
        email=email,
        patient_phone_numbers=phones,
        address_1=f"Unit {rng.randrange(1, 40)}" if unit else fake.street_address(),
        address_2=fake.street_address() if unit else "",
        city=fake.city(),
        state=state,
        post_code=fake.postcode(),
        country_code="AU",
        date_of_birth=fake.date_of_birth(minimum_age=2, maximum_age=95),
        time_zone=None,
        occupation=fake.job()[:255] if rng.random() < 0.5 else "",
        emergency_contact="",
        notes="",
        appointment_notes="",
        accepted_privacy_policy=rng.choice([True, True, None]),
        medicare=f"{rng.randrange(2, 7)}{rng.randrange(10**9):09d}" if rng.random() < 0.6 else None,
        created_at=when,
        updated_at=when,
    )


def local_slot(rng: random.Random, day: date, zone: str) -> datetime:
    """A business-hours start on `day` in the business's zone, as UTC."""
    hour, minute = rng.randrange(8, 18), rng.choice([0, 15, 30, 45])
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def item_amounts(quantity: Decimal, unit_price: Decimal, rate: Decimal) -> tuple[Decimal, ...]:
    net = (quantity * unit_price).quantize(CENT, ROUND_HALF_UP)
    tax = (net * rate / 100).quantize(CENT, ROUND_HALF_UP)
    return net, tax, net + tax


def build_invoice(
    rng: random.Random,
    account: m.Account,
    appt: m.IndividualAppointment,
    kind: m.AppointmentType,
    number: int,
    status: int,
    when: datetime,
    patient_label: str,
) -> tuple[m.Invoice, list[m.InvoiceItem]]:
    """An invoice for `appt` whose items add up: net + tax = total, per item and in sum.

    Allied-health services are GST-free in Australia; goods sold at the visit carry 10% GST.
    """
    invoice = m.Invoice(
        account=account,
        number=number,
        issue_date=appt.starts_at.date(),
        status=status,
        calculation_method=2,
        invoice_to=patient_label,
        patient_id=appt.patient_id,
        practitioner_id=appt.practitioner_id,
        business_id=appt.business_id,
        appointment_id=appt.id,
        created_at=when,
        updated_at=when,
    )
    lines = [(kind.name, kind.name[:3].upper(), Decimal("1"), kind.price, Decimal("0"), "")]
    if rng.random() < 0.5:
        name, code, price = rng.choice(PRODUCTS)
        lines.append((name, code, Decimal(rng.choice([1, 1, 2])), price, Decimal("10"), "GST"))
    items = []
    for name, code, qty, price, rate, tax_name in lines:
        net, tax, total = item_amounts(qty, price, rate)
        items.append(
            m.InvoiceItem(
                account=account,
                invoice_id=invoice.id,
                name=name,
                code=code,
                quantity=qty,
                unit_price=price,
                net_price=net,
                tax_name=tax_name or "GST Free",
                tax_rate=rate,
                tax_amount=tax,
                total_including_tax=total,
                created_at=when,
                updated_at=when,
            )
        )
    invoice.net_amount = sum((i.net_price for i in items), Decimal("0"))
    invoice.tax_amount = sum((i.tax_amount for i in items), Decimal("0"))
    invoice.total_amount = invoice.net_amount + invoice.tax_amount
    if status in (20, 30):
        invoice.closed_at = when + timedelta(hours=rng.randrange(0, 72))
        invoice.updated_at = invoice.closed_at
    return invoice, items
