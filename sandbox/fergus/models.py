"""State of the Fergus simulator (sandbox database, app label sandbox_fergus).

Nested shapes the API never addresses on their own (addresses, contact items,
invoice sections) are JSON; everything with its own route is a table.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models


class Company(models.Model):
    name = models.CharField(max_length=200)
    guid = models.CharField(max_length=36, unique=True)
    prefix = models.CharField(max_length=10, default="FG")
    timezone = models.CharField(max_length=64, default="Australia/Sydney")
    currency = models.CharField(max_length=3, default="AUD")
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10"))
    tax_type = models.CharField(max_length=10, default="GST")
    seed = models.IntegerField(null=True, blank=True, unique=True)
    next_job_no = models.PositiveIntegerField(default=500)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class User(models.Model):
    USER_TYPES = (
        "contractor", "time_sheet_only", "field_worker", "apprentice", "tradesman", "advisor",
        "full_user",
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="users")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.CharField(max_length=200)
    user_type = models.CharField(max_length=20, default="tradesman")
    status = models.CharField(max_length=10, default="active")  # active|disabled|invited
    is_owner = models.BooleanField(default=False)
    pay_rate = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    charge_out_rate = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0"))
    address = models.JSONField(null=True, blank=True)
    contact_items = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"user {self.pk}"


class Token(models.Model):
    """A personal access token: one active token per user (HELP)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="token")
    key = models.CharField(max_length=80, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"token of user {self.user_id}"


class Contact(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    customer = models.ForeignKey(
        "Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    site = models.ForeignKey(
        "Site", null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100, blank=True)
    position = models.CharField(max_length=100, blank=True)
    company_name = models.CharField(max_length=200, blank=True)
    items = models.JSONField(default=list, blank=True)  # [{id, contactType, contactValue}]
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"contact {self.pk}"


class Customer(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="customers")
    full_name = models.CharField(max_length=300)
    main_contact = models.ForeignKey(
        Contact, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    physical_address = models.JSONField(null=True, blank=True)
    postal_address = models.JSONField(null=True, blank=True)
    customer_source = models.CharField(max_length=100, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)  # soft delete ("is_dummy")
    # Lower-cased name, contact names and contact values, kept in step on every
    # save so filterSearchText is one SQL LIKE rather than a Python scan.
    search_text = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"customer {self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        mc = self.main_contact
        parts = [self.full_name]
        if mc is not None:
            parts += [mc.first_name, mc.last_name]
            parts += [str(i.get("contactValue", "")) for i in mc.items or []]
        self.search_text = " ".join(parts).lower()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class Site(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(max_length=200, blank=True)
    default_contact = models.ForeignKey(
        Contact, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    billing_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    physical_address = models.JSONField(default=dict)
    postal_address = models.JSONField(null=True, blank=True)
    is_archived = models.BooleanField(default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"site {self.pk}"


class Job(models.Model):
    JOB_TYPES = ("Quote", "Estimate", "Charge Up")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="jobs")
    job_no = models.CharField(max_length=20, blank=True)  # assigned at live create / finalise
    job_type = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=40, default="Draft")
    is_draft = models.BooleanField(default=False)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.SET_NULL)
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.SET_NULL)
    customer_reference = models.CharField(max_length=200, blank=True)
    on_hold = models.BooleanField(default=False)
    hold_until = models.DateField(null=True, blank=True)
    hold_notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"job {self.pk}"


class Phase(models.Model):
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="phases")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, default="Active")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"phase {self.pk}"


class LineItem(models.Model):
    """Stock on hand on a phase: what a Charge Up invoice is raised from."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="line_items")
    item_description = models.CharField(max_length=500)
    item_price = models.DecimalField(max_digits=12, decimal_places=2)
    item_cost = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    item_quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("1"))
    is_labour = models.BooleanField(default=False)
    sales_account_id = models.IntegerField(null=True, blank=True)
    price_book_line_item_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"line item {self.pk}"


class CalendarEvent(models.Model):
    EVENT_TYPES = ("JOB_PHASE", "QUOTE", "ESTIMATE", "OTHER")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    group_id = models.IntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    event_type = models.CharField(max_length=10)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL)
    job_phase = models.ForeignKey(Phase, null=True, blank=True, on_delete=models.SET_NULL)
    start_time = models.DateTimeField()
    end_time = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    is_all_day = models.BooleanField(default=False)
    recurrence = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"event {self.pk}"


class Note(models.Model):
    ENTITY_NAMES = (
        "job", "customer", "customer_invoice", "quote", "site", "task", "enquiry", "job_phase",
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="notes")
    entity_name = models.CharField(max_length=20)
    entity_id = models.IntegerField()
    text = models.TextField(blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL)
    is_pinned = models.BooleanField(default=False)
    parent_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"note {self.pk}"


class Invoice(models.Model):
    STATUSES = ("unpaid", "draft", "voided", "paidDisputed", "unpaidDisputed", "paid")
    TYPES = ("approved", "toBeApproved", "draft")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invoices")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="invoices")
    customer = models.ForeignKey(Customer, null=True, on_delete=models.SET_NULL)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    invoice_number = models.CharField(max_length=30)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    tax_value = models.DecimalField(max_digits=12, decimal_places=2)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    total_paid = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    type = models.CharField(max_length=20, default="draft")
    status = models.CharField(max_length=20, default="draft")
    is_sent = models.BooleanField(default=False)
    is_final = models.BooleanField(default=False)
    due_date = models.DateTimeField(null=True, blank=True)
    invoice_date = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    sections = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"invoice {self.pk}"
