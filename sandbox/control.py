"""A small control endpoint to switch faults at run time: POST /_control/faults/<scope>."""

from __future__ import annotations

import json
from datetime import timedelta

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sandbox.faults import faults_reset, faults_set

_NUMBERS = {
    "latency_ms": int, "error_rate": float, "error_status": int, "storm_retry_seconds": int,
    "late_commit_rate": float, "late_commit_seconds": float, "rate_limit": int,
    "rate_window_seconds": int,
}


def parse_fault_values(data: dict) -> dict:
    """Turn {"outage_seconds": 60, "error_rate": 0.1, ...} into profile fields."""
    values: dict = {}
    for name, cast in _NUMBERS.items():
        if name in data:
            values[name] = None if data[name] is None else cast(data[name])
    now = timezone.now()
    for name in ("outage", "storm"):
        if f"{name}_seconds" in data:
            seconds = float(data[f"{name}_seconds"])
            values[f"{name}_until"] = now + timedelta(seconds=seconds) if seconds > 0 else None
    if "switches" in data:
        if not isinstance(data["switches"], dict):
            raise ValueError("switches must be an object")
        values["switches"] = data["switches"]
    unknown = set(data) - set(_NUMBERS) - {"outage_seconds", "storm_seconds", "switches"}
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    return values


@csrf_exempt
@require_http_methods(["POST", "DELETE"])
def faults_view(request: HttpRequest, scope: str) -> JsonResponse:
    if request.method == "DELETE":
        faults_reset(scope)
        return JsonResponse({"scope": scope, "reset": True})
    try:
        data = json.loads(request.body or b"{}")
        values = parse_fault_values(data)
    except (ValueError, TypeError) as exc:
        return JsonResponse({"message": str(exc)}, status=400)
    profile = faults_set(scope, **values)
    return JsonResponse({"scope": profile.scope, "updated": sorted(values)})
