"""Tables of the report and the run history (django-tables2)."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from reports.models import Mismatch, ReconciliationRun
from sync.models import SyncRun


class MismatchTable(tables.Table):
    select = tables.CheckBoxColumn(accessor="pk", attrs={
        "th__input": {"aria-label": "Select all shown", "data-select-all": "pk"},
        "td__input": {"name": "pk", "aria-label": "Select"}})
    connection = tables.Column(accessor="connection__name", verbose_name="Connection")
    kind = tables.Column()
    object_type = tables.Column(verbose_name="Object")
    cliniko_id = tables.Column(verbose_name="Cliniko id")
    fergus_id = tables.Column(verbose_name="Fergus id")
    field = tables.Column()
    values = tables.Column(empty_values=(), orderable=False, verbose_name="Cliniko / Fergus")
    state = tables.Column()
    first_seen = tables.DateTimeColumn(format="d M Y H:i")
    last_seen = tables.DateTimeColumn(format="d M Y H:i")
    actions = tables.Column(empty_values=(), orderable=False, verbose_name="Actions")

    class Meta:
        model = Mismatch
        fields = ["select", "connection", "kind", "object_type", "cliniko_id", "fergus_id",
                  "field", "values", "state", "first_seen", "last_seen", "actions"]
        order_by = "-last_seen"
        attrs = {"class": "data"}
        row_attrs = {"data-state": lambda record: record.state,
                     "id": lambda record: f"mismatch-{record.pk}"}

    def __init__(self, *args: Any, show_values: bool = False, can_resync: bool = False,
                 can_ignore: bool = False, **kwargs: Any) -> None:
        self.show_values, self.can_resync, self.can_ignore = show_values, can_resync, can_ignore
        exclude = [] if show_values else ["values"]
        if not can_resync:
            exclude.append("select")
        super().__init__(*args, exclude=exclude, **kwargs)

    def render_state(self, record: Mismatch, value: str) -> str:
        if record.state == Mismatch.State.IGNORED and record.ignored_reason:
            return format_html("{} <small>({})</small>", value, record.ignored_reason)
        if record.state == Mismatch.State.OPEN and record.resync_item_id:
            return format_html("{} <small>(re-sync queued)</small>", value)
        return value

    def render_values(self, record: Mismatch) -> str:
        values = record.values()
        if not values:
            return "—"
        return format_html("<span class=\"cliniko\">{}</span> / <span class=\"fergus\">{}</span>",
                           values.get("cliniko", ""), values.get("fergus", ""))

    def render_actions(self, record: Mismatch) -> str:
        parts = []
        if self.can_resync and record.can_resync and record.state != Mismatch.State.IGNORED:
            parts.append(format_html(
                '<button type="submit" name="one" value="{}" class="small">Re-sync</button>',
                record.pk))
        if self.can_ignore and record.state == Mismatch.State.OPEN:
            parts.append(format_html('<a href="{}">Ignore</a>',
                                     reverse("reports:mismatch_ignore", args=[record.pk])))
        return format_html_join(" ", "{}", ((p,) for p in parts)) if parts else "—"


def _admin_link(model: str, run: Any, count: int, **params: str) -> str:
    if not count:
        return "0"
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return format_html('<a href="{}?{}">{}</a>', reverse(f"admin:{model}_changelist"), query,
                       count)


class SyncRunTable(tables.Table):
    class Meta:
        model = SyncRun
        fields = ["started_at", "connection", "kind", "status", "fetched", "queued", "created",
                  "updated", "unchanged", "skipped", "held", "failed", "dead",
                  "cliniko_requests", "fergus_requests"]
        attrs = {"class": "data"}

    def _items(self, record: SyncRun, value: int, **params: str) -> str:
        return _admin_link("sync_workitem", record, value, run__exact=str(record.pk),
                           **params)

    def render_queued(self, record: SyncRun, value: int) -> str:
        return self._items(record, value)

    def render_failed(self, record: SyncRun, value: int) -> str:
        return self._items(record, value)

    def render_dead(self, record: SyncRun, value: int) -> str:
        return self._items(record, value, state__exact="dead")

    def render_skipped(self, record: SyncRun, value: int) -> str:
        return self._items(record, value, state__exact="skipped")

    def render_held(self, record: SyncRun, value: int) -> str:
        return self._items(record, value, state__exact="held")


class ReconciliationRunTable(tables.Table):
    found = tables.Column(empty_values=(), orderable=False, verbose_name="Found")

    class Meta:
        model = ReconciliationRun
        fields = ["started_at", "connection", "trigger", "status", "found", "new", "resolved",
                  "cliniko_requests", "fergus_requests"]
        attrs = {"class": "data"}

    def render_found(self, record: ReconciliationRun) -> str:
        if not record.counts:
            return "none"
        base = reverse("reports:mismatches")
        return format_html_join(
            ", ", '<a href="{}?connection={}&kind={}">{} {}</a>',
            ((base, record.connection_id, kind, count, kind.replace("_", " "))
             for kind, count in record.counts.items()))
