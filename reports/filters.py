"""Filters of the mismatch report (django-filter)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from reports.models import Mismatch
from sync.models import Connection


class MismatchFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search",
                                  help_text="Cliniko id, Fergus id or field name")
    connection = django_filters.ModelChoiceFilter(queryset=Connection.objects.none())
    kind = django_filters.ChoiceFilter(choices=Mismatch.Kind.choices)
    object_type = django_filters.ChoiceFilter(choices=Mismatch.ObjectType.choices,
                                              label="Object type")
    state = django_filters.ChoiceFilter(choices=Mismatch.State.choices)
    seen_from = django_filters.DateFilter(field_name="last_seen", lookup_expr="date__gte",
                                          label="Last seen from",
                                          widget=forms.DateInput(attrs={"type": "date"}))
    seen_to = django_filters.DateFilter(field_name="last_seen", lookup_expr="date__lte",
                                        label="Last seen to",
                                        widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Mismatch
        fields = ["q", "connection", "kind", "object_type", "state", "seen_from", "seen_to"]

    def __init__(self, *args: Any, connections: QuerySet[Connection] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if connections is not None:
            self.filters["connection"].queryset = connections

    def search(self, queryset: QuerySet[Mismatch], name: str, value: str) -> QuerySet[Mismatch]:
        value = value.strip()
        if not value:
            return queryset
        query = Q(cliniko_id=value) | Q(field__icontains=value) | Q(key__icontains=value)
        if value.isdigit():
            query |= Q(fergus_id=int(value))
        return queryset.filter(query)
