"""Forms and formsets for editing mappings, with validation that names the row."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from mappings.engine import OPERATORS, Rule
from mappings.models import MappingRule, StatusTranslation, SyncFilter, TemplateRule
from mappings.transforms import TRANSFORMS
from mappings.validation import (
    RuleInput,
    validate_filter,
    validate_rules,
    validate_translations,
)

_JSON_SMALL = forms.Textarea(attrs={"rows": 2, "cols": 36})


class RuleForm(forms.ModelForm):
    sources = forms.JSONField(required=False, initial=list, widget=_JSON_SMALL)
    params = forms.JSONField(required=False, initial=dict, widget=_JSON_SMALL)
    transform = forms.CharField(
        max_length=64,
        widget=forms.TextInput(attrs={"list": "mapping-transforms", "size": 18}),
        help_text="One of: " + ", ".join(sorted(TRANSFORMS)),
    )

    class Meta:
        model = MappingRule
        fields = ["position", "enabled", "sources", "transform", "params", "target", "note"]

    def clean_sources(self) -> Any:
        return [] if self.cleaned_data.get("sources") is None else self.cleaned_data["sources"]

    def clean_params(self) -> Any:
        return {} if self.cleaned_data.get("params") is None else self.cleaned_data["params"]


class TemplateRuleForm(RuleForm):
    class Meta(RuleForm.Meta):
        model = TemplateRule
        fields = ["kind", *RuleForm.Meta.fields]


def _live_forms(formset: BaseInlineFormSet) -> list[tuple[int, forms.Form]]:
    """(1-based row, form) for rows that will exist after saving."""
    rows = []
    for index, form in enumerate(formset.forms, 1):
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        if not form.instance.pk and not form.has_changed():
            continue
        rows.append((index, form))
    return rows


def rule_inputs(rows: list[tuple[int, forms.Form]]) -> list[tuple[RuleInput, forms.Form]]:
    result = []
    for row, form in rows:
        data = form.cleaned_data
        result.append((RuleInput(row, data.get("position") or 0, bool(data.get("enabled")),
                                 data.get("sources"), (data.get("transform") or "").strip(),
                                 data.get("params"), (data.get("target") or "").strip()), form))
    return result


def check_rule_rows(kind: str, rows: list[tuple[int, forms.Form]]) -> None:
    pairs = rule_inputs(rows)
    forms_by_row = {inp.row: (inp, form) for inp, form in pairs}
    row_errors, set_errors = validate_rules(kind, [inp for inp, _ in pairs])
    for row, messages in row_errors.items():
        inp, form = forms_by_row[row]
        where = f"Row {row} (position {inp.position}, target {inp.target or '—'})"
        for message in messages:
            form.add_error(None, f"{where}: {message}")
    if set_errors:
        raise ValidationError(set_errors)


class RuleFormSet(BaseInlineFormSet):
    """One kind's rules of one connection."""

    kind = ""

    @classmethod
    def get_default_prefix(cls) -> str:
        return f"rules-{cls.kind}"

    def clean(self) -> None:
        super().clean()
        for _row, form in _live_forms(self):
            form.instance.kind = self.kind
        check_rule_rows(self.kind, _live_forms(self))

    def save_new(self, form: forms.Form, commit: bool = True) -> Any:
        form.instance.kind = self.kind
        return super().save_new(form, commit=commit)

    def edited_rules(self) -> list[Rule]:
        """The rules as edited on screen, unsaved (for the preview)."""
        return [Rule(inp.position, list(inp.sources or []), inp.transform, inp.target,
                     dict(inp.params or {}), inp.enabled, form.instance.pk)
                for inp, form in rule_inputs(_live_forms(self))]


class TemplateRuleFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        by_kind: dict[str, list[tuple[int, forms.Form]]] = {}
        for row, form in _live_forms(self):
            by_kind.setdefault(form.cleaned_data.get("kind") or "", []).append((row, form))
        errors: list[str] = []
        for kind in by_kind:
            if not kind:
                continue
            try:
                check_rule_rows(kind, by_kind[kind])
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)


class TranslationForm(forms.ModelForm):
    class Meta:
        model = StatusTranslation
        fields = ["table", "source_value", "target_value", "title_prefix", "note"]


class TranslationFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        rows = [(f.cleaned_data.get("table", ""), f.cleaned_data.get("source_value", ""),
                 f.cleaned_data.get("target_value", "")) for _, f in _live_forms(self)]
        errors = validate_translations(rows)
        if errors:
            raise ValidationError(errors)


class FilterForm(forms.ModelForm):
    values = forms.JSONField(required=False, initial=list, widget=_JSON_SMALL)
    operator = forms.ChoiceField(choices=OPERATORS)

    class Meta:
        model = SyncFilter
        fields = ["kind", "position", "enabled", "field_path", "operator", "values",
                  "description"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("values") is None:
            data["values"] = []
        if data.get("kind") and data.get("field_path") and data.get("operator"):
            for message in validate_filter(data["kind"], data["field_path"], data["operator"],
                                           data["values"], bool(data.get("enabled"))):
                self.add_error(None, f"Filter at position {data.get('position')}: {message}")
        return data
