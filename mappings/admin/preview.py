"""The admin preview page: a Cliniko record mapped by the saved rules and, when posted
from the change form, by the edited (unsaved) rules side by side."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from mappings.kinds import KIND_CHOICES, KINDS, PATIENT_CUSTOMER
from mappings.preview import (
    PreviewUnavailable,
    preview_context,
    preview_record_source,
    preview_run,
)
from mappings.services import load_rules


def _pretty(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _parse_pasted(text: str) -> tuple[dict[str, Any] | None, dict[str, Any], str | None]:
    """(record, extra context, error). Accepts a record, or {"source": …, "context": …}."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        return None, {}, f"The pasted text is not JSON (line {getattr(exc, 'lineno', '?')})."
    if not isinstance(data, dict):
        return None, {}, "Paste one JSON object: a Cliniko record."
    if isinstance(data.get("source"), dict):
        extra = data.get("context") if isinstance(data.get("context"), dict) else {}
        return data["source"], extra, None
    return data, {}, None


def _edited_rules(admin_obj: Any, request: HttpRequest, obj: Any, kind: str
                  ) -> tuple[list[Any] | None, list[str]]:
    """The rules of `kind` as posted from the change form, without saving anything."""
    formsets, _inlines = admin_obj._create_formsets(request, obj, change=True)
    for formset in formsets:
        if getattr(formset, "kind", None) != kind:
            continue
        if not formset.is_valid():
            errors = [str(e) for form in formset.forms for e in form.non_field_errors()]
            errors += [str(e) for e in formset.non_form_errors()]
            for form in formset.forms:
                for name, errs in form.errors.items():
                    if name != "__all__":
                        errors += [f"{name}: {e}" for e in errs]
            return None, errors or ["The edited rules are not valid."]
        return formset.edited_rules(), []
    return None, ["No rules of that kind were posted."]


def preview_view(admin_obj: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    obj = admin_obj.get_object(request, object_id)
    # The preview shows patient values: only people who may edit the mapping see it.
    if obj is None or not admin_obj.has_change_permission(request, obj):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    kind = data.get("_preview_kind") or PATIENT_CUSTOMER
    if kind not in KINDS:
        kind = PATIENT_CUSTOMER
    query = (data.get("_preview_query") or "").strip()
    pasted = (data.get("_preview_json") or "").strip()
    candidates: list[dict[str, Any]] = []
    record: dict[str, Any] | None = None
    extra: dict[str, Any] = {}
    source_available = True
    if pasted:
        record, extra, error = _parse_pasted(pasted)
        if error:
            messages.error(request, error)
    elif query:
        try:
            candidates = preview_record_source(obj, kind, query)
        except PreviewUnavailable as exc:
            source_available = False
            messages.warning(request, f"{exc} Paste a record's JSON instead.")
        if candidates:
            chosen = data.get("_preview_pick") or str(candidates[0].get("id", ""))
            record = next((c for c in candidates if str(c.get("id")) == chosen), candidates[0])
        elif source_available:
            messages.info(request, "No Cliniko record matched; try an id or paste JSON.")

    runs = []
    edited_errors: list[str] = []
    if record is not None:
        context = preview_context(obj, kind, record, extra)
        saved_rules = load_rules(obj, kind)
        before, skip = preview_run(obj, kind, saved_rules, record, context)
        runs.append(("Saved rules", before))
        if request.method == "POST" and "_preview_edited" in request.POST:
            edited, edited_errors = _edited_rules(admin_obj, request, obj, kind)
            if edited is not None:
                after, _ = preview_run(obj, kind, edited, record, context)
                runs.append(("Edited rules (not saved)", after))
    else:
        skip = None

    context_data = {
        **admin_obj.admin_site.each_context(request),
        "opts": admin_obj.opts,
        "original": obj,
        "title": f"Preview mappings: {obj}",
        "kind": kind,
        "kind_choices": KIND_CHOICES,
        "query": query,
        "pasted": pasted,
        "candidates": candidates,
        "record": record,
        "record_json": _pretty(record) if record is not None else "",
        "skip": skip,
        "edited_errors": edited_errors,
        "runs": [
            {"label": label, "result": result, "payload_json": _pretty(result.payload),
             "meta_json": _pretty(result.meta),
             "traces": [{"trace": t, "inputs_json": _pretty(t.inputs),
                         "output_json": _pretty(t.output)} for t in result.explanation]}
            for label, result in runs
        ],
        "source_available": source_available,
    }
    return TemplateResponse(request, "admin/mappings/connectionmappings/preview.html",
                            context_data)
