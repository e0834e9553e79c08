"""Admin entry point of the consultant's onboarding flow (views in sync/onboarding/views.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.html import format_html

from sync.models import OnboardingState
from sync.onboarding import views
from sync.selectors import connection_visible_to

# Onboarding sets credentials, so it needs what a consultant has.
ONBOARDING_PERMS = ("sync.add_connection", "sync.change_connection",
                    "sync.set_connection_credentials")


@admin.register(OnboardingState)
class OnboardingAdmin(admin.ModelAdmin):
    list_display = ["connection", "step", "checks_passed", "connection_state", "updated_at",
                    "resume"]
    list_select_related = ["connection"]
    list_filter = ["step", "checks_passed"]
    search_fields = ["connection__name", "connection__clinic_name"]

    def get_urls(self) -> list:
        def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            def guarded(request: HttpRequest, **kwargs: Any) -> HttpResponse:
                if not self._allowed(request):
                    raise PermissionDenied
                return view(self, request, **kwargs)

            return self.admin_site.admin_view(guarded)

        return [
            path("new/", wrap(views.onboarding_new), name="sync_onboardingstate_new"),
            path("<int:pk>/step/<int:step>/", wrap(views.onboarding_step),
                 name="sync_onboardingstate_step"),
            path("<int:pk>/progress/", wrap(views.onboarding_progress),
                 name="sync_onboardingstate_progress"),
            *super().get_urls(),
        ]

    @admin.display(description="Connection state")
    def connection_state(self, obj: OnboardingState) -> str:
        return obj.connection.get_state_display()

    @admin.display(description="")
    def resume(self, obj: OnboardingState) -> str:
        return format_html('<a href="{}">Resume at step {}</a>', views.step_url(obj), obj.step)

    def _allowed(self, request: HttpRequest, obj: Any = None) -> bool:
        if not request.user.has_perms(ONBOARDING_PERMS):
            return False
        return obj is None or connection_visible_to(obj.connection, request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def add_view(self, request: HttpRequest, form_url: str = "",
                 extra_context: Any = None) -> HttpResponse:
        if not self._allowed(request):
            raise PermissionDenied
        return views.onboarding_new(self, request)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "",
                    extra_context: Any = None) -> HttpResponse:
        state = self.get_object(request, object_id)
        if state is None or not self._allowed(request, state):
            return super().change_view(request, object_id, form_url, extra_context)
        # The change page of an onboarding is its current step.
        return views.onboarding_step(self, request, state.pk, state.step)
