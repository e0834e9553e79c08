"""The admin form for replaying a connection's dead letters in a date range."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from sync.models import Connection


class ReplayDeadForm(forms.Form):
    connection = forms.ModelChoiceField(queryset=Connection.objects.none())
    since = forms.DateTimeField(required=False, help_text="Dead-lettered at or after (UTC).")
    until = forms.DateTimeField(required=False, help_text="Dead-lettered before (UTC).")

    def __init__(self, *args: Any, connections: QuerySet[Connection], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["connection"].queryset = connections

    def clean(self) -> dict:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] >= data["until"]:
            raise forms.ValidationError("The start must be before the end.")
        return data
