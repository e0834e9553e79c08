"""Admin views of the onboarding flow. Thin: each POST calls one service and redirects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from sync.clients.base import ApiError
from sync.models import OnboardingState
from sync.onboarding import services
from sync.onboarding.forms import CredentialsForm, DryRunForm, ObjectsForm
from sync.selectors import connection_visible_to

Step = OnboardingState.Step


def step_url(state: OnboardingState, step: int | None = None) -> str:
    return reverse("admin:sync_onboardingstate_step", args=[state.pk, step or state.step])


def _context(model_admin: Any, request: HttpRequest, state: OnboardingState | None,
             step: int, **extra: Any) -> dict[str, Any]:
    steps = [{"number": value, "label": label,
              "url": step_url(state, value) if state and value <= state.step else None}
             for value, label in Step.choices]
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.model._meta,
            "title": f"Onboarding — step {step}: {Step(step).label}", "state": state,
            "connection": state.connection if state else None, "step": step, "steps": steps,
            **extra}


def _state_for(request: HttpRequest, pk: int) -> OnboardingState:
    state = get_object_or_404(OnboardingState.objects.select_related("connection"), pk=pk)
    if not connection_visible_to(state.connection, request.user):
        raise PermissionDenied
    return state


def onboarding_new(model_admin: Any, request: HttpRequest) -> HttpResponse:
    form = CredentialsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            state = services.onboarding_start(
                name=form.cleaned_data["name"], clinic_name=form.cleaned_data["clinic_name"],
                cliniko_api_key=form.cleaned_data["cliniko_api_key"],
                fergus_token=form.cleaned_data["fergus_token"],
                user_agent_email=form.cleaned_data["cliniko_user_agent_email"],
                time_zone=form.cleaned_data["time_zone"],
                cliniko_base_url=form.cleaned_data["cliniko_base_url"],
                fergus_base_url=form.cleaned_data["fergus_base_url"], user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved. The secrets are stored encrypted; test them now.")
            return HttpResponseRedirect(step_url(state, Step.TEST))
    return TemplateResponse(request, "admin/onboarding/step1.html",
                            _context(model_admin, request, None, Step.CREDENTIALS, form=form))


def onboarding_step(model_admin: Any, request: HttpRequest, pk: int, step: int) -> HttpResponse:
    state = _state_for(request, pk)
    if step not in Step.values:
        step = state.step
    try:
        services.onboarding_goto(state, step)
    except services.OnboardingError as exc:
        messages.warning(request, str(exc))
        return HttpResponseRedirect(step_url(state))
    handler = STEP_VIEWS[step]
    try:
        return handler(model_admin, request, state)
    except services.OnboardingError as exc:
        messages.error(request, str(exc))
    except ApiError as exc:
        # ApiError messages carry method, path and status only: safe to show.
        messages.error(request, f"{exc.api.title()} answered with an error: {exc.message}")
    return HttpResponseRedirect(step_url(state, step))


def _credentials(model_admin: Any, request: HttpRequest, state: OnboardingState) -> HttpResponse:
    c = state.connection
    initial = {"clinic_name": c.clinic_name, "cliniko_user_agent_email":
               c.cliniko_user_agent_email, "time_zone": c.time_zone,
               "cliniko_base_url": c.cliniko_base_url, "fergus_base_url": c.fergus_base_url}
    form = CredentialsForm(request.POST or None, initial=initial, connection=c)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.onboarding_credentials_update(
                state, clinic_name=data["clinic_name"],
                user_agent_email=data["cliniko_user_agent_email"], time_zone=data["time_zone"],
                cliniko_api_key=data["cliniko_api_key"], fergus_token=data["fergus_token"],
                cliniko_base_url=data["cliniko_base_url"],
                fergus_base_url=data["fergus_base_url"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Saved. Test the credentials again.")
            return HttpResponseRedirect(step_url(state, Step.TEST))
    return TemplateResponse(request, "admin/onboarding/step1.html",
                            _context(model_admin, request, state, Step.CREDENTIALS, form=form))


def _test(model_admin: Any, request: HttpRequest, state: OnboardingState) -> HttpResponse:
    if request.method == "POST":
        results = services.onboarding_test_credentials(state)
        if all(r.ok for r in results):
            messages.success(request, "Both credentials work.")
        return HttpResponseRedirect(step_url(state, Step.TEST))
    return TemplateResponse(request, "admin/onboarding/step2.html",
                            _context(model_admin, request, state, Step.TEST,
                                     checks=list(state.checks.values())))


def _objects(model_admin: Any, request: HttpRequest, state: OnboardingState) -> HttpResponse:
    from mappings.defaults import ensure_default_templates
    from mappings.models import MappingTemplate, SyncFilter

    c = state.connection
    default = (MappingTemplate.objects.filter(name=state.template_name).first()
               or ensure_default_templates())
    filters = list(SyncFilter.objects.filter(connection=c))
    form = ObjectsForm(request.POST or None, filters=filters, initial={
        "sync_patients": c.sync_patients, "sync_appointments": c.sync_appointments,
        "sync_invoices": c.sync_invoices, "template": default})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.onboarding_choose(
            state, sync_patients=data["sync_patients"],
            sync_appointments=data["sync_appointments"], sync_invoices=data["sync_invoices"],
            template=data["template"], filters=form.filter_choices(), user=request.user)
        return HttpResponseRedirect(step_url(state, Step.PRACTITIONERS))
    return TemplateResponse(request, "admin/onboarding/step3.html",
                            _context(model_admin, request, state, Step.OBJECTS, form=form))


def _practitioners(model_admin: Any, request: HttpRequest,
                   state: OnboardingState) -> HttpResponse:
    if request.method == "POST":
        services.onboarding_match_practitioners(state)
        return HttpResponseRedirect(step_url(state, Step.PRACTITIONERS))
    return TemplateResponse(request, "admin/onboarding/step4.html",
                            _context(model_admin, request, state, Step.PRACTITIONERS,
                                     matches=state.matches,
                                     unmatched=services.onboarding_unmatched(state)))


def _dry_run(model_admin: Any, request: HttpRequest, state: OnboardingState) -> HttpResponse:
    form = DryRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.onboarding_dry_run(state, max_pages=form.cleaned_data["max_pages"])
        return HttpResponseRedirect(step_url(state, Step.DRY_RUN))
    report = state.dry_run or {}
    return TemplateResponse(request, "admin/onboarding/step5.html",
                            _context(model_admin, request, state, Step.DRY_RUN, form=form,
                                     report=report,
                                     by_type=sorted((report.get("by_type") or {}).items())))


def _live(model_admin: Any, request: HttpRequest, state: OnboardingState) -> HttpResponse:
    if request.method == "POST":
        services.onboarding_go_live(state)
        messages.success(request, "The connection is live; the backfill has started.")
        return HttpResponseRedirect(step_url(state, Step.LIVE))
    return TemplateResponse(request, "admin/onboarding/step6.html",
                            _context(model_admin, request, state, Step.LIVE,
                                     progress=services.onboarding_progress(state),
                                     progress_url=reverse("admin:sync_onboardingstate_progress",
                                                          args=[state.pk])))


def onboarding_progress(model_admin: Any, request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(services.onboarding_progress(_state_for(request, pk)))


STEP_VIEWS = {Step.CREDENTIALS: _credentials, Step.TEST: _test, Step.OBJECTS: _objects,
              Step.PRACTITIONERS: _practitioners, Step.DRY_RUN: _dry_run, Step.LIVE: _live}
