"""Forms of the onboarding steps. Secrets are write-only: never rendered back."""

from __future__ import annotations

from typing import Any

from django import forms

from sync.models import Connection
from sync.models.connection import validate_http_url, validate_time_zone


def _secret(label: str, help_text: str, *, required: bool) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, strip=True, help_text=help_text,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )


def _no_spaces(value: str, what: str) -> str:
    if value and any(ch.isspace() for ch in value):
        raise forms.ValidationError(f"The {what} must not contain spaces.")
    return value


class CredentialsForm(forms.Form):
    """Step 1. On a new onboarding both secrets are required; on resume blank keeps them."""

    name = forms.SlugField(max_length=80, help_text="Short identifier, e.g. bayside-physio.")
    clinic_name = forms.CharField(max_length=200)
    cliniko_user_agent_email = forms.EmailField(
        label="User-Agent contact e-mail",
        help_text="Cliniko requires every request to name the app and a contact e-mail.")
    time_zone = forms.CharField(max_length=64, initial="Australia/Sydney",
                                validators=[validate_time_zone])
    cliniko_api_key = _secret(
        "Cliniko API key", "From Cliniko: My info → Manage API keys. Use an administrator's "
        "key. Stored encrypted and never shown again.", required=True)
    fergus_token = _secret(
        "Fergus personal access token", "fergPAT_…, created by the company owner. Stored "
        "encrypted and never shown again.", required=True)
    cliniko_base_url = forms.CharField(
        label="Cliniko base URL override", required=False, validators=[validate_http_url],
        help_text="Leave blank for the real API. Only for the sandbox ({shard} allowed).")
    fergus_base_url = forms.CharField(
        label="Fergus base URL override", required=False, validators=[validate_http_url],
        help_text="Leave blank for the real API. Only for the sandbox.")

    def __init__(self, *args: Any, connection: Connection | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection = connection
        if connection is not None:
            del self.fields["name"]  # the slug is an identifier; it does not change
            for field in ("cliniko_api_key", "fergus_token"):
                self.fields[field].required = False
                self.fields[field].help_text = "Leave blank to keep the stored one."

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if Connection.objects.filter(name=name).exists():
            raise forms.ValidationError("A connection with this name exists already.")
        return name

    def clean_cliniko_api_key(self) -> str:
        return _no_spaces(self.cleaned_data["cliniko_api_key"], "API key")

    def clean_fergus_token(self) -> str:
        return _no_spaces(self.cleaned_data["fergus_token"], "token")


class ObjectsForm(forms.Form):
    """Step 3: what syncs, which template, and the default filters (one row each)."""

    sync_patients = forms.BooleanField(required=False, label="Patients → customers and sites")
    sync_appointments = forms.BooleanField(required=False,
                                           label="Appointments → calendar events")
    sync_invoices = forms.BooleanField(required=False, label="Invoices → Charge Up jobs")
    template = forms.ModelChoiceField(queryset=None, required=False, empty_label=None,
                                      label="Mapping template")

    def __init__(self, *args: Any, filters: list[Any] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        from mappings.models import MappingTemplate

        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = MappingTemplate.objects.all()
        self.filter_rows = list(filters)
        for row in self.filter_rows:
            self.fields[f"filter_{row.pk}_enabled"] = forms.BooleanField(
                required=False, initial=row.enabled, label=row.description or str(row))
            if row.operator in ("in", "not_in", "gte", "lte", "eq"):
                self.fields[f"filter_{row.pk}_values"] = forms.CharField(
                    required=False, initial=", ".join(str(v) for v in row.values or []),
                    label="Values (comma-separated)")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not any(data.get(k) for k in ("sync_patients", "sync_appointments",
                                         "sync_invoices")):
            raise forms.ValidationError("Choose at least one kind of record to sync.")
        return data

    def filter_choices(self) -> dict[int, tuple[bool, list[str]]]:
        out = {}
        for row in self.filter_rows:
            enabled = bool(self.cleaned_data.get(f"filter_{row.pk}_enabled"))
            raw = self.cleaned_data.get(f"filter_{row.pk}_values")
            values = ([v.strip() for v in raw.split(",") if v.strip()] if raw is not None
                      else list(row.values or []))
            out[row.pk] = (enabled, values)
        return out

    def filter_fields(self) -> list[tuple[Any, Any]]:
        """(enabled bound field, values bound field or None) per filter, for the template."""
        return [(self[f"filter_{r.pk}_enabled"],
                 self[f"filter_{r.pk}_values"] if f"filter_{r.pk}_values" in self.fields
                 else None) for r in self.filter_rows]


class DryRunForm(forms.Form):
    max_pages = forms.IntegerField(
        min_value=1, max_value=50, initial=2, label="Pages per kind to read",
        help_text="100 records a page. A few pages give a fair sample without waiting.")
