from __future__ import annotations

from django import forms

from reports.models import ReconciliationSetting


class IgnoreForm(forms.Form):
    reason = forms.CharField(max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why this difference is expected (kept with the record).")


class ReconciliationSettingForm(forms.ModelForm):
    class Meta:
        model = ReconciliationSetting
        fields = ["frequency", "weekday", "at", "report_uninvoiced_jobs"]
        widgets = {"at": forms.TimeInput(attrs={"type": "time"})}
