"""Set-up steps of the demo, shared by `manage.py demo` and its test."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction

from sync.models import Connection, ConnectionMember
from sync.roles import CONSULTANT, INTEGRATION_ADMIN, PRACTICE_MANAGER

DEMO_CONNECTION = "demo-clinic"
# Local demo only: printed on the console so a newcomer can sign in.
DEMO_USERS: dict[str, tuple[str, str]] = {
    "admin": ("Superuser", "demo-admin-pass"),
    "manager": (PRACTICE_MANAGER, "demo-manager-pass"),
    "mapper": (INTEGRATION_ADMIN, "demo-mapper-pass"),
    "consultant": (CONSULTANT, "demo-consultant-pass"),
}


@transaction.atomic
def demo_users_ensure() -> list[User]:
    users = []
    for username, (role, password) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username,
                                                   defaults={"is_staff": True})
        if created:
            user.set_password(password)
            user.is_superuser = role == "Superuser"
            user.save()
            if role != "Superuser":
                user.groups.add(Group.objects.get(name=role))
        users.append(user)
    return users


WEEK_TARGET = 60  # appointments in the coming seven days, so the calendar looks busy


def demo_week_ensure(account_id: int, seed: int, target: int = WEEK_TARGET) -> int:
    """Book the coming week up to `target` appointments (idempotent). Returns how many."""
    import random
    from datetime import timedelta

    from sandbox.cliniko import models as m
    from sandbox.cliniko.factory import local_slot
    from sandbox.cliniko.ids import now_s

    now = now_s()
    week = m.IndividualAppointment.objects.filter(
        account_id=account_id, starts_at__gte=now, starts_at__lt=now + timedelta(days=7))
    missing = target - week.count()
    if missing <= 0:
        return 0
    rng = random.Random(f"demo-week-{seed}-{week.count()}")
    patients = list(m.Patient.objects.filter(account_id=account_id, archived_at__isnull=True)
                    .order_by("id").values_list("id", "first_name", "last_name")[:500])
    practitioners = list(m.Practitioner.objects.filter(account_id=account_id, active=True))
    businesses = list(m.Business.objects.filter(account_id=account_id))
    kinds = list(m.AppointmentType.objects.filter(account_id=account_id, max_attendees=1))
    if not (patients and practitioners and businesses and kinds):
        return 0
    for i in range(missing):
        pid, first, last = rng.choice(patients)
        biz, kind = rng.choice(businesses), rng.choice(kinds)
        starts = local_slot(rng, (now + timedelta(days=1 + i % 7)).date(),
                            biz.time_zone_identifier)
        m.IndividualAppointment.objects.create(
            account_id=account_id, patient_id=pid, patient_name=f"{first} {last}",
            practitioner_id=rng.choice(practitioners).pk, appointment_type_id=kind.pk,
            business_id=biz.pk, starts_at=starts,
            ends_at=starts + timedelta(minutes=kind.duration_in_minutes))
    return missing


def demo_prepare(*, sandbox_url: str, patients: int, seed: int) -> dict:
    """Idempotent: users, the seeded clinic and a live connection to it."""
    from sandbox.cliniko.seed import seed_clinic
    from sandbox.fergus.seed import seed_company
    from sync.services import connection_create

    users = demo_users_ensure()
    clinic = seed_clinic(patients=patients, seed=seed)
    company = seed_company(user_emails=clinic.practitioner_emails, seed=seed)
    demo_week_ensure(clinic.account_id, seed, min(WEEK_TARGET, max(5, patients // 5)))
    connection = Connection.objects.filter(name=DEMO_CONNECTION).first()
    if connection is None:
        connection = connection_create(
            name=DEMO_CONNECTION, clinic_name="Demo Mobile Physio",
            cliniko_api_key=clinic.api_key, fergus_token=company.token,
            user_agent_email="demo@portal.example",
            cliniko_base_url=f"{sandbox_url}/cliniko/{{shard}}/v1",
            fergus_base_url=f"{sandbox_url}/fergus", state=Connection.State.LIVE,
        )
    else:
        # Ports may differ between runs; keep the connection pointing at this sandbox.
        connection.cliniko_base_url = f"{sandbox_url}/cliniko/{{shard}}/v1"
        connection.fergus_base_url = f"{sandbox_url}/fergus"
        connection.save(update_fields=["cliniko_base_url", "fergus_base_url", "updated_at"])
    manager = next(u for u in users if u.username == "manager")
    ConnectionMember.objects.get_or_create(connection=connection, user=manager)
    return {
        "connection": connection,
        "clinic": clinic,
        "company": company,
        "lines": [
            f"Demo connection '{connection.name}' (id {connection.pk}) is {connection.state}.",
            f"Simulators: {sandbox_url}/cliniko/{clinic.shard}/v1/ and {sandbox_url}/fergus/",
        ],
    }
