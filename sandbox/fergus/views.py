"""The request pipeline: auth → rate limit → faults → body checks → route → answer.

One catch-all view so unknown routes (and known paths with the wrong method, as
Fastify does for `POST /jobs/{id}/finalise`) get Fergus's 404 body.

Permissions (our choice; the reference only says PATs carry the user's permissions):
users whose `userType` is not `full_user` get 403 on company-level writes, i.e.
`DELETE /customers/{id}` and `PATCH /users/{id}` of another user.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sandbox import faults
from sandbox.fergus import models as m
from sandbox.fergus import views_calendar as vc
from sandbox.fergus import views_people as vp
from sandbox.fergus import views_work as vw
from sandbox.fergus.http import (
    Problem,
    ValidationProblem,
    not_found_route,
    parse_body,
    render,
    sw,
    unauthorized,
)

ID = r"(\d+)"
ROUTES: list[tuple[str, str, Callable[..., HttpResponse]]] = [
    ("GET", "company", vp.company),
    ("GET", "version", vp.version),
    ("GET", "users", vp.users_list),
    ("GET", "users/me", vp.users_me),
    ("GET", f"users/{ID}", vp.users_get),
    ("PATCH", f"users/{ID}", vp.users_patch),
    ("GET", "customers", vp.customers_list),
    ("POST", "customers", vp.customers_create),
    ("GET", f"customers/{ID}", vp.customers_get),
    ("PUT", f"customers/{ID}", vp.customers_put),
    ("DELETE", f"customers/{ID}", vp.customers_delete),
    ("GET", "contacts", vp.contacts_list),
    ("POST", "contacts", vp.contacts_create),
    ("GET", f"contacts/{ID}", vp.contacts_get),
    ("PUT", f"contacts/{ID}", vp.contacts_put),
    ("GET", "sites", vw.sites_list),
    ("POST", "sites", vw.sites_create),
    ("GET", f"sites/{ID}", vw.sites_get),
    ("PATCH", f"sites/{ID}", vw.sites_patch),
    ("POST", f"sites/{ID}/archive", vw.sites_archive),
    ("POST", f"sites/{ID}/restore", vw.sites_restore),
    ("GET", "jobs", vw.jobs_list),
    ("POST", "jobs", vw.jobs_create),
    ("GET", f"jobs/{ID}", vw.jobs_get),
    ("PUT", f"jobs/{ID}", vw.jobs_put),
    ("PUT", f"jobs/{ID}/finalise", vw.jobs_finalise),
    ("POST", f"jobs/{ID}/hold", vw.jobs_hold),
    ("POST", f"jobs/{ID}/resume", vw.jobs_resume),
    ("GET", f"jobs/{ID}/phases", vw.phases_list),
    ("POST", f"jobs/{ID}/phases", vw.phases_create),
    ("GET", f"jobs/{ID}/phases/{ID}", vw.phases_get),
    ("PUT", f"jobs/{ID}/phases/{ID}", vw.phases_put),
    ("POST", f"jobs/{ID}/phases/{ID}/void", vw.phases_void),
    ("GET", "phases/stockOnHand", vw.stock_list),
    ("GET", f"phases/{ID}/stockOnHand", vw.stock_list),
    ("POST", f"phases/{ID}/stockOnHand", vw.stock_create),
    ("PATCH", f"phases/{ID}/stockOnHand/{ID}", vw.stock_patch),
    ("DELETE", f"phases/{ID}/stockOnHand/{ID}", vw.stock_delete),
    ("GET", "calendarEvents", vc.events_list),
    ("POST", "calendarEvents", vc.events_create),
    ("GET", f"calendarEvents/{ID}", vc.events_get),
    ("POST", f"calendarEvents/{ID}", vc.events_update),
    ("DELETE", f"calendarEvents/{ID}", vc.events_delete),
    ("GET", "notes", vc.notes_list),
    ("POST", "notes", vc.notes_create),
    ("PATCH", f"notes/{ID}", vc.notes_patch),
    ("GET", "customerInvoices", vc.invoices_list),
    ("GET", f"customerInvoices/{ID}", vc.invoices_get),
]
_COMPILED = [(meth, re.compile(f"^{pat}$"), fn) for meth, pat, fn in ROUTES]


def _attachments(ctx: vp.Ctx) -> HttpResponse:
    # Only in newer spec material (§7.11); no file storage here, just the shape.
    return ctx.created({"id": int(time.time() * 1000) % 10**8, "entityType": None})


def resolve(method: str, path: str, company_id: int) -> tuple[Callable, list[int]] | None:
    for meth, pattern, fn in _COMPILED:
        match = pattern.match(path)
        if match and meth == method:
            return fn, [int(g) for g in match.groups()]
    if (method, path) == ("POST", "attachments") and sw(company_id, "attachments_endpoint", False):
        return _attachments, []
    return None


def authenticate(request: HttpRequest) -> m.User:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Bearer "):
        raise unauthorized()
    token = (m.Token.objects.select_related("user__company")
             .filter(key=header[len("Bearer "):].strip()).first())
    if token is None or token.expires_at <= timezone.now() or token.user.status != "active":
        raise unauthorized()
    return token.user


def _rate_headers(response: HttpResponse, rate: faults.RateResult) -> HttpResponse:
    response["x-ratelimit-limit"] = str(rate.limit)
    response["x-ratelimit-remaining"] = str(rate.remaining)
    response["x-ratelimit-reset"] = str(math.ceil(rate.reset_in))
    return response


@csrf_exempt
def dispatch(request: HttpRequest, path: str) -> HttpResponse:
    try:
        user = authenticate(request)
    except Problem as problem:
        return render(problem.status, problem.body, problem.content_type)
    company = user.company
    scope = f"fergus:{company.pk}"
    limit = getattr(settings, "SANDBOX_FERGUS_RATE_LIMIT", 100)
    rate = faults.rate_limit_take(scope, default_limit=limit, default_window=60)
    if not rate.allowed:
        response = render(429, {"error": "Too Many Requests", "statusCode": 429,
                                "message": "Rate limit exceeded. Please retry after the "
                                           "specified time."})
        response["retry-after"] = str(max(1, math.ceil(rate.reset_in)))
        return _rate_headers(response, rate)
    decision = faults.fault_for(scope, method=request.method or "GET")
    response = _answer(request, path.rstrip("/"), company, user, decision)
    if decision.late_commit_seconds and 200 <= response.status_code < 400:
        # The record is committed; the answer comes too late for the client's timeout.
        time.sleep(decision.late_commit_seconds)
    return _rate_headers(response, rate)


def _answer(request: HttpRequest, path: str, company: m.Company, user: m.User,
            decision: faults.Decision) -> HttpResponse:
    if decision.fault is not None:
        fault = decision.fault
        names = {429: "Too Many Requests", 503: "Service Unavailable"}
        response = render(fault.status, {"error": names.get(fault.status, "Internal Server "
                                                                          "Error"),
                                         "message": "Injected fault", "statusCode": fault.status})
        if fault.retry_after is not None:
            response["retry-after"] = str(fault.retry_after)
        return response
    method = request.method or "GET"
    try:
        found = resolve(method, path, company.pk)
        if found is None:
            query = request.META.get("QUERY_STRING", "")
            raise not_found_route(method, path + (f"?{query}" if query else ""))
        if (not request.body and "json" in (request.content_type or "")
                and method in ("POST", "PUT", "PATCH", "DELETE")
                and sw(company.pk, "empty_json_body_rejected", True)):
            raise Problem(400, {"error": "Bad Request", "statusCode": 400, "message":
                                "Body cannot be empty when content-type is set to "
                                "'application/json'"})
        body = parse_body(request)
        fn, ids = found
        ctx = vp.Ctx(request=request, company=company, user=user, body=body, path=path)
        return fn(ctx, *ids)
    except ValidationProblem as problem:
        if sw(company.pk, "validation_as_500", False):
            return render(500, {"error": "Internal Server Error", "message": problem.message,
                                "statusCode": 500})
        return render(problem.status, problem.body)
    except Problem as problem:
        return render(problem.status, problem.body, problem.content_type)

