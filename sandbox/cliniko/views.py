"""Read endpoints: generic list and show for every resource, plus the odd ones
(`/user`, `/practitioners/inactive`, the `/bookings` union)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from sandbox.cliniko import models as m
from sandbox.cliniko import render
from sandbox.cliniko.api import Ctx, endpoint
from sandbox.cliniko.query import (
    ApiProblem,
    apply_filters,
    envelope,
    page_params,
    parse_filter,
    parse_sort,
)
from sandbox.cliniko.resources import BOOKING_FILTERS, RESOURCES, Resource


def not_found() -> ApiProblem:
    return ApiProblem(404, {"message": "Not Found"})


def forbidden() -> ApiProblem:
    return ApiProblem(403, {"message": "Forbidden"})


def _parse_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise not_found() from None


def _renderer(resource: Resource, ctx: Ctx) -> Any:
    if resource.plural == "businesses":
        type_ids = [
            str(i)
            for i in m.AppointmentType.objects.filter(account=ctx.account, archived_at__isnull=True)
            .order_by("created_at", "id")
            .values_list("id", flat=True)
        ]
        return lambda b, base: render.business(b, base, type_ids)
    return resource.render


def _list(request: HttpRequest, ctx: Ctx, resource: Resource, qs: QuerySet, path: str) -> dict:
    qs = apply_filters(qs, request.GET.getlist("q[]"), resource.filters, resource.hidden)
    qs = qs.order_by(
        *parse_sort(request.GET.get("sort"), request.GET.get("order"), resource.sort_columns())
    )
    page, per_page = page_params(request.GET)
    total = qs.count()
    rows = list(qs[(page - 1) * per_page : page * per_page])
    draw = _renderer(resource, ctx)
    items = [draw(row, ctx.base) for row in rows]
    return envelope(
        resource.plural,
        items,
        total,
        f"{ctx.base}/{path}",
        [(k, v) for k, vs in request.GET.lists() for v in vs],
        page,
        per_page,
    )


def _can_read_users(ctx: Ctx) -> bool:
    # Permissions follow the key's user (#112): only administrators see other users.
    return ctx.user.is_admin


def resource_list(resource_name: str) -> Any:
    resource = RESOURCES[resource_name]

    @endpoint(("GET",))
    def view(request: HttpRequest, ctx: Ctx) -> dict:
        qs = resource.queryset(ctx)
        if resource_name == "users" and not _can_read_users(ctx):
            raise forbidden()
        if resource_name == "practitioners":
            qs = qs.filter(active=True)  # inactive ones live at /practitioners/inactive
        return _list(request, ctx, resource, qs, resource_name)

    view.__name__ = f"{resource_name}_list"
    return view


@endpoint(("GET",))
def practitioners_inactive(request: HttpRequest, ctx: Ctx) -> dict:
    resource = RESOURCES["practitioners"]
    qs = resource.queryset(ctx).filter(active=False)
    return _list(request, ctx, resource, qs, "practitioners/inactive")


def get_record(resource_name: str, ctx: Ctx, record_id: str) -> Any:
    resource = RESOURCES[resource_name]
    row = resource.queryset(ctx).filter(pk=_parse_id(record_id)).first()
    if row is None:
        raise not_found()
    return row


def resource_show(resource_name: str) -> Any:
    resource = RESOURCES[resource_name]

    @endpoint(("GET",))
    def view(request: HttpRequest, ctx: Ctx, record_id: str) -> dict:
        row = get_record(resource_name, ctx, record_id)
        if resource_name == "users" and row.pk != ctx.user.pk and not _can_read_users(ctx):
            raise forbidden()
        return _renderer(resource, ctx)(row, ctx.base)

    view.__name__ = f"{resource_name}_show"
    return view


@endpoint(("GET",))
def current_user(request: HttpRequest, ctx: Ctx) -> dict:
    return render.user(ctx.user, ctx.base)


@endpoint(("GET",))
def invoice_items_of_invoice(request: HttpRequest, ctx: Ctx, record_id: str) -> dict:
    """Deprecated nested route (the invoice's `invoice_items` link still points here)."""
    invoice = get_record("invoices", ctx, record_id)
    resource = RESOURCES["invoice_items"]
    qs = resource.queryset(ctx).filter(invoice_id=invoice.pk)
    return _list(request, ctx, resource, qs, f"invoices/{invoice.pk}/invoice_items")


# --- /bookings: individual and group appointments as one list -----------------


def _booking_rows(request: HttpRequest, ctx: Ctx) -> list[tuple[Any, bool]]:
    raw = request.GET.getlist("q[]")
    filters = [parse_filter(r, BOOKING_FILTERS) for r in raw]
    individual = RESOURCES["individual_appointments"]
    group = RESOURCES["group_appointments"]
    rows: list[tuple[Any, bool]] = []
    for resource, is_group in ((individual, False), (group, True)):
        usable = [r for r, f in zip(raw, filters, strict=True) if f.field in resource.filters]
        missing = [f for f in filters if f.field not in resource.filters]
        # A group appointment has no cancelled state, fields it lacks match only "is null".
        if any(f.op not in ("!?", "*") for f in missing):
            continue
        qs = apply_filters(
            resource.queryset(ctx),
            usable,
            resource.filters,
            tuple(h for h in resource.hidden if h in resource.filters),
        )
        rows.extend((row, is_group) for row in qs)
    return rows


@endpoint(("GET",))
def bookings_list(request: HttpRequest, ctx: Ctx) -> dict:
    rows = _booking_rows(request, ctx)
    terms = parse_sort(
        request.GET.get("sort"),
        request.GET.get("order"),
        {"created_at", "updated_at", "starts_at", "ends_at", "id"},
    )
    for term in reversed(terms):  # stable sorts, least significant key first
        name = term.lstrip("-")
        rows.sort(key=lambda pair, n=name: getattr(pair[0], n), reverse=term.startswith("-"))
    page, per_page = page_params(request.GET)
    chunk = rows[(page - 1) * per_page : page * per_page]
    items = [
        (render.group_appointment if g else render.individual_appointment)(
            row, ctx.base, as_booking=True
        )
        for row, g in chunk
    ]
    query = [(k, v) for k, vs in request.GET.lists() for v in vs]
    return envelope("bookings", items, len(rows), f"{ctx.base}/bookings", query, page, per_page)


@endpoint(("GET",))
def bookings_show(request: HttpRequest, ctx: Ctx, record_id: str) -> dict:
    pk = _parse_id(record_id)
    row = m.IndividualAppointment.objects.filter(account=ctx.account, pk=pk).first()
    if row is not None:
        return render.individual_appointment(row, ctx.base, as_booking=True)
    group = m.GroupAppointment.objects.filter(account=ctx.account, pk=pk).first()
    if group is None:
        raise not_found()
    return render.group_appointment(group, ctx.base, as_booking=True)
