"""State of the Cliniko simulator: one Account per simulated clinic.

Every record has a 64-bit id (served as a 19-digit string, see ids.py), second-precision
UTC timestamps and the soft-delete columns the real API exposes. Foreign keys are plain
`*_id` columns read without joins, so lists serialise without N+1 queries.
"""

from __future__ import annotations

from django.db import models

from sandbox.cliniko.ids import new_id, now_s


class Stamped(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id)
    created_at = models.DateTimeField(default=now_s, db_index=True)
    updated_at = models.DateTimeField(default=now_s, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        # Ids only: patient values must never reach logs or admin messages.
        return f"{type(self).__name__} {self.pk}"

    def touch(self) -> None:
        """Every write bumps updated_at (the API's incremental sync depends on it)."""
        self.updated_at = now_s()


class Account(models.Model):
    """One clinic. `seed` makes `sandbox_seed --seed S` idempotent."""

    id = models.BigIntegerField(primary_key=True, default=new_id)
    name = models.CharField(max_length=200)
    shard = models.CharField(max_length=8, default="au1")
    seed = models.IntegerField(null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=now_s)

    def __str__(self) -> str:
        return f"cliniko account {self.pk}"


class User(Stamped):  # noqa: DJ008 (Stamped.__str__)
    ROLES = [
        "administrator",
        "bookkeeper",
        "power receptionist",
        "practitioner",
        "receptionist",
        "scheduler",
    ]
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="users")
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=255)
    last_name = models.CharField(max_length=255)
    email = models.CharField(max_length=255)
    phone_numbers = models.JSONField(default=list)
    role = models.CharField(max_length=30, default="practitioner")
    active = models.BooleanField(default=True)
    time_zone = models.CharField(max_length=60, default="Sydney")
    time_zone_identifier = models.CharField(max_length=60, default="Australia/Sydney")

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"


class ApiKey(models.Model):
    """A user's key. `token` is the key without its `-shard` suffix (both forms are accepted)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    token = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=now_s)

    def __str__(self) -> str:
        return f"api key {self.pk}"


class Business(Stamped):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="businesses")
    business_name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255, blank=True)
    address_2 = models.CharField(max_length=255, null=True, blank=True)
    city = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=60, blank=True)
    post_code = models.CharField(max_length=12, blank=True)
    time_zone = models.CharField(max_length=60)
    time_zone_identifier = models.CharField(max_length=60)
    contact_information = models.TextField(blank=True)
    show_in_online_bookings = models.BooleanField(default=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)


class Tax(Stamped):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="taxes")
    name = models.CharField(max_length=60)
    rate = models.DecimalField(max_digits=6, decimal_places=2)


class AppointmentType(Stamped):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="appointment_types")
    name = models.CharField(max_length=255)
    category = models.CharField(max_length=255, blank=True)
    color = models.CharField(max_length=7, default="#00A3E0")
    description = models.TextField(blank=True)
    duration_in_minutes = models.PositiveIntegerField(default=45)
    max_attendees = models.PositiveIntegerField(default=1)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    show_in_online_bookings = models.BooleanField(default=True)
    online_payments_mode = models.CharField(max_length=30, null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)


class Practitioner(Stamped):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="practitioners")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="practitioners")
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=255)
    last_name = models.CharField(max_length=255)
    designation = models.CharField(max_length=255, blank=True)
    description = models.TextField(null=True, blank=True)
    active = models.BooleanField(default=True)
    show_in_online_bookings = models.BooleanField(default=True)
    default_appointment_type_id = models.BigIntegerField(null=True, blank=True)


class Patient(Stamped):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="patients")
    title = models.CharField(max_length=20, blank=True)
    first_name = models.CharField(max_length=255)
    last_name = models.CharField(max_length=255)
    preferred_first_name = models.CharField(max_length=255, blank=True)
    gender_identity = models.CharField(max_length=60, null=True, blank=True)
    sex = models.CharField(max_length=60, null=True, blank=True)
    email = models.CharField(max_length=255, null=True, blank=True)
    patient_phone_numbers = models.JSONField(default=list)
    address_1 = models.CharField(max_length=255, blank=True)
    address_2 = models.CharField(max_length=255, blank=True)
    address_3 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=60, blank=True)
    post_code = models.CharField(max_length=12, blank=True)
    country_code = models.CharField(max_length=2, default="AU")
    date_of_birth = models.DateField(null=True, blank=True)
    time_zone = models.CharField(max_length=60, null=True, blank=True)
    notes = models.TextField(blank=True)
    appointment_notes = models.TextField(blank=True)
    occupation = models.CharField(max_length=255, blank=True)
    emergency_contact = models.CharField(max_length=255, blank=True)
    old_reference_id = models.CharField(max_length=255, blank=True)
    medicare = models.CharField(max_length=20, null=True, blank=True)
    accepted_privacy_policy = models.BooleanField(null=True, blank=True)
    reminder_type = models.CharField(max_length=20, default="SMS & Email")
    archived_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    merged_at = models.DateTimeField(null=True, blank=True)
    merged_with_patient_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "updated_at"]),
            models.Index(fields=["account", "created_at"]),
        ]


class AppointmentBase(Stamped):  # noqa: DJ008 (Stamped.__str__)
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    notes = models.TextField(null=True, blank=True)
    practitioner_id = models.BigIntegerField()
    appointment_type_id = models.BigIntegerField()
    business_id = models.BigIntegerField()
    repeated_from_id = models.BigIntegerField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class IndividualAppointment(AppointmentBase):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="appointments")
    patient_id = models.BigIntegerField()
    patient_name = models.CharField(max_length=255)
    patient_arrived = models.BooleanField(null=True, blank=True)
    did_not_arrive = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.IntegerField(null=True, blank=True)
    cancellation_note = models.TextField(null=True, blank=True)
    invoice_status = models.IntegerField(null=True, blank=True)
    treatment_note_status = models.IntegerField(null=True, blank=True)
    email_reminder_sent = models.BooleanField(default=False)
    sms_reminder_sent = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["account", "updated_at"]),
            models.Index(fields=["account", "created_at"]),
        ]


class GroupAppointment(AppointmentBase):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="group_appointments"
    )
    max_attendees = models.PositiveIntegerField(default=6)


class Attendee(Stamped):  # noqa: DJ008 (Stamped.__str__)
    """A patient in a group appointment (individual appointments have none here)."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="attendees")
    booking = models.ForeignKey(
        GroupAppointment, on_delete=models.CASCADE, related_name="attendee_set"
    )
    patient_id = models.BigIntegerField()
    arrived = models.BooleanField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.IntegerField(null=True, blank=True)
    cancellation_note = models.TextField(null=True, blank=True)
    invoice_status = models.IntegerField(null=True, blank=True)
    notes = models.TextField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)


class Invoice(Stamped):  # noqa: DJ008 (Stamped.__str__)
    STATUS = {10: "Open", 20: "Paid", 30: "Closed", 40: "Open credit"}
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invoices")
    number = models.IntegerField()
    issue_date = models.DateField()
    status = models.IntegerField(default=10)
    calculation_method = models.IntegerField(default=2)
    net_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    discounted_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    invoice_to = models.TextField(blank=True)
    notes = models.TextField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    patient_id = models.BigIntegerField()
    practitioner_id = models.BigIntegerField(null=True, blank=True)
    business_id = models.BigIntegerField()
    appointment_id = models.BigIntegerField(null=True, blank=True)
    attendee_id = models.BigIntegerField(null=True, blank=True)
    original_invoice_id = models.BigIntegerField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "updated_at"]),
            models.Index(fields=["account", "created_at"]),
        ]


class InvoiceItem(Stamped):  # noqa: DJ008 (Stamped.__str__)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="invoice_items")
    invoice_id = models.BigIntegerField(db_index=True)
    name = models.CharField(max_length=255)
    code = models.CharField(max_length=100, blank=True)
    quantity = models.DecimalField(max_digits=10, decimal_places=2, default=1)
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    discount_percentage = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    net_price = models.DecimalField(max_digits=12, decimal_places=2)
    tax_name = models.CharField(max_length=60, blank=True)
    tax_rate = models.DecimalField(max_digits=6, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total_including_tax = models.DecimalField(max_digits=12, decimal_places=2)
    source_item_id = models.BigIntegerField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "updated_at"])]
