"""The pages practice managers open: dashboard, mismatch report, run history.

Every page needs a login; every query is scoped to `connections_visible_to(user)`
so a manager never sees (or acts on) another clinic's rows: those are 404s.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from reports.dashboard import card_for
from reports.filters import MismatchFilter
from reports.forms import IgnoreForm
from reports.models import Mismatch, ReconciliationRun
from reports.services import mismatch_ignore, mismatches_resync, mismatches_settle
from reports.tables import MismatchTable, ReconciliationRunTable, SyncRunTable
from sync.models import SyncRun
from sync.selectors import connections_visible_to

PER_PAGE = 50
RESYNC_ALL_CAP = 500


def _mismatches(user: Any) -> QuerySet[Mismatch]:
    return Mismatch.objects.filter(connection__in=connections_visible_to(user)) \
        .select_related("connection")


def _filtered(request: HttpRequest, data: QueryDict) -> MismatchFilter:
    return MismatchFilter(data, queryset=_mismatches(request.user),
                          connections=connections_visible_to(request.user))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    cards = [card_for(c) for c in connections_visible_to(request.user)]
    can_run = request.user.has_perm("reports.add_reconciliationrun") or \
        request.user.has_perm("reports.resync_mismatch")
    return render(request, "reports/dashboard.html", {"cards": cards, "can_run": can_run})


@login_required
@permission_required("reports.view_mismatch", raise_exception=True)
def mismatch_report(request: HttpRequest) -> HttpResponse:
    mismatches_settle()  # lazily: re-synced rows whose work is done turn resolved
    filtered = _filtered(request, request.GET)
    user = request.user
    table = MismatchTable(filtered.qs, show_values=user.has_perm("reports.view_mismatch_values"),
                          can_resync=user.has_perm("reports.resync_mismatch"),
                          can_ignore=user.has_perm("reports.ignore_mismatch"))
    RequestConfig(request, paginate={"per_page": PER_PAGE}).configure(table)
    return render(request, "reports/mismatches.html", {
        "filter": filtered, "table": table, "query": request.GET.urlencode(),
        "count": filtered.qs.count(),
    })


def _csv_rows(rows: QuerySet[Mismatch], show_values: bool) -> Iterator[list[Any]]:
    header = ["connection", "kind", "object_type", "cliniko_id", "fergus_id", "field", "state",
              "first_seen", "last_seen", "ignored_reason"]
    yield header + (["cliniko_value", "fergus_value"] if show_values else [])
    for m in rows.iterator(chunk_size=500):
        row = [m.connection.name, m.kind, m.object_type, m.cliniko_id, m.fergus_id or "",
               m.field, m.state, m.first_seen.isoformat(), m.last_seen.isoformat(),
               m.ignored_reason]
        if show_values:
            values = m.values()
            row += [values.get("cliniko", ""), values.get("fergus", "")]
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@permission_required("reports.view_mismatch", raise_exception=True)
def mismatch_export(request: HttpRequest) -> StreamingHttpResponse:
    filtered = _filtered(request, request.GET)
    writer = csv.writer(_Echo())
    show = request.user.has_perm("reports.view_mismatch_values")
    response = StreamingHttpResponse(
        (writer.writerow(_csv_safe(row)) for row in _csv_rows(filtered.qs, show)),
        content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="mismatches.csv"'
    return response


def _csv_safe(row: list[Any]) -> list[Any]:
    # A value starting with = + - @ would run as a formula in a spreadsheet.
    return [f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v
            for v in row]


@require_POST
@login_required
@permission_required("reports.resync_mismatch", raise_exception=True)
def mismatch_resync_view(request: HttpRequest) -> HttpResponse:
    back_query = request.POST.get("query", "")
    visible = _mismatches(request.user)
    if request.POST.get("one"):
        chosen = [get_object_or_404(visible, pk=request.POST["one"])]
    elif request.POST.get("action") == "all_shown":
        chosen = list(_filtered(request, QueryDict(back_query)).qs[:RESYNC_ALL_CAP])
    else:
        ids = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
        chosen = list(visible.filter(pk__in=ids))
        if not chosen:
            messages.warning(request, "Select at least one mismatch to re-sync.")
    if chosen:
        count = mismatches_resync(chosen, request.user)
        messages.success(request, f"Re-sync queued for {count} mismatch(es); they turn "
                                  "resolved when the worker has pushed them.")
    return redirect(f"{reverse('reports:mismatches')}?{back_query}" if back_query
                    else reverse("reports:mismatches"))


@login_required
@permission_required("reports.ignore_mismatch", raise_exception=True)
def mismatch_ignore_view(request: HttpRequest, pk: int) -> HttpResponse:
    mismatch = get_object_or_404(_mismatches(request.user), pk=pk)
    form = IgnoreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        mismatch_ignore(mismatch, request.user, form.cleaned_data["reason"])
        messages.success(request, "Mismatch ignored.")
        return redirect("reports:mismatches")
    return render(request, "reports/ignore.html", {"mismatch": mismatch, "form": form})


@require_POST
@login_required
@permission_required("reports.resync_mismatch", raise_exception=True)
def reconcile_now(request: HttpRequest, connection_id: int) -> HttpResponse:
    from reports.services import reconcile_enqueue

    connection = get_object_or_404(connections_visible_to(request.user), pk=connection_id)
    reconcile_enqueue(connection)
    messages.success(request, f"Reconciliation of {connection.clinic_name} queued.")
    return redirect("reports:dashboard")


@login_required
def run_history(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.has_perm("sync.view_syncrun") or user.has_perm(
            "reports.view_reconciliationrun")):
        return HttpResponse("You may not see run history.", status=403)
    visible = connections_visible_to(user)
    sync_runs = SyncRunTable(SyncRun.objects.filter(connection__in=visible)
                             .select_related("connection"), prefix="s-",
                             order_by="-started_at")
    recon_runs = ReconciliationRunTable(
        ReconciliationRun.objects.filter(connection__in=visible).select_related("connection"),
        prefix="r-", order_by="-started_at")
    RequestConfig(request, paginate={"per_page": 25}).configure(sync_runs)
    RequestConfig(request, paginate={"per_page": 25}).configure(recon_runs)
    return render(request, "reports/runs.html", {
        "sync_runs": sync_runs, "recon_runs": recon_runs,
        "admin_links": user.is_staff, "query": urlencode({}),
    })
