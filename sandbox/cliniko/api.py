"""What every Cliniko request goes through before the resource: headers, key, shard,
rate limit, faults. `endpoint` wraps a view and renders ApiProblem answers."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from sandbox.cliniko.models import Account, ApiKey, User
from sandbox.cliniko.query import ApiProblem
from sandbox.faults import fault_for, rate_limit_take, switch

_SHARD_SUFFIX = re.compile(r"^\w{2}\d{1,2}$")
# "App name (contact@example.com)": a name, then an e-mail in parentheses.
_USER_AGENT = re.compile(r"\S.*\(\s*[^\s()@]+@[^\s()@]+\.[^\s()@]+\s*\)")
RATE_WINDOW_SECONDS = 60


@dataclass
class Ctx:
    account: Account
    user: User
    base: str  # absolute base URL up to and including /v1
    shard: str


def split_key(key: str) -> tuple[str, str | None]:
    """`token-au2` → (`token`, `au2`); a key without a shard-like suffix has none."""
    if "-" in key:
        token, suffix = key.rsplit("-", 1)
        if _SHARD_SUFFIX.match(suffix):
            return token, suffix.lower()
    return key, None


def _unauthorized() -> HttpResponse:
    # Rails' default for a failed http_basic_authenticate (reference §2, [inf] from #164).
    response = HttpResponse(
        "HTTP Basic: Access denied.\n", status=401, content_type="text/plain; charset=utf-8"
    )
    response["WWW-Authenticate"] = 'Basic realm="Application"'
    return response


def _authenticate(request: HttpRequest, shard: str) -> tuple[Account, User] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, sep, password = decoded.partition(":")
    if not sep or password:  # the password must be empty (e-mail + key as password → 401, #102)
        return None
    token, suffix = split_key(key)
    if suffix is not None and suffix != shard.lower():
        return None  # a key for another shard: this shard "will not find the account"
    api_key = ApiKey.objects.select_related("user__account").filter(token=token).first()
    if api_key is None or not api_key.user.active:
        return None
    account = api_key.user.account
    if account.shard != shard.lower():
        return None
    return account, api_key.user


def _check_headers(request: HttpRequest) -> HttpResponse | None:
    agent = request.META.get("HTTP_USER_AGENT", "")
    if not _USER_AGENT.search(agent):
        # The text is documented (#177), the status is not. 400 because the request itself
        # is malformed: 401 would tell clients their key is wrong, 403 that a role is missing.
        return JsonResponse({"message": "Requires a user agent"}, status=400)
    accept = request.META.get("HTTP_ACCEPT", "")
    if accept and not any(t in accept for t in ("application/json", "*/*", "application/*")):
        return JsonResponse({"message": "Requires Accept: application/json"}, status=406)
    return None


def _fault_response(account: Account, method: str) -> HttpResponse | None:
    decision = fault_for(f"cliniko:{account.pk}", method=method)
    if decision.fault is None:
        return None
    fault = decision.fault
    if fault.status == 429:
        response = JsonResponse({"message": "Too Many Requests"}, status=429)
        response["X-RateLimit-Reset"] = str(int(time.time()) + (fault.retry_after or 1))
        return response
    return JsonResponse(
        {"message": "Service Unavailable" if fault.status == 503 else "Internal Server Error"},
        status=fault.status,
    )


def _rate_limited(user: User) -> HttpResponse | None:
    limit = int(getattr(settings, "SANDBOX_CLINIKO_RATE_LIMIT", 200))
    result = rate_limit_take(
        f"cliniko:{user.pk}", default_limit=limit, default_window=RATE_WINDOW_SECONDS
    )
    if result.allowed:
        return None
    response = JsonResponse({"message": "Too Many Requests"}, status=429)
    # Only X-RateLimit-Reset is documented (Unix seconds); no Retry-After.
    response["X-RateLimit-Reset"] = str(math.ceil(result.reset_epoch))
    return response


def problem_response(problem: ApiProblem) -> HttpResponse:
    if problem.body is None:
        response = HttpResponse(status=problem.status)
    else:
        response = JsonResponse(
            problem.body, status=problem.status, json_dumps_params={"ensure_ascii": False}
        )
    for name, value in problem.headers.items():
        response[name] = value
    return response


def json_body(request: HttpRequest) -> dict:
    content_type = request.META.get("CONTENT_TYPE", "")
    if "json" not in content_type:
        # A form-encoded body broke nested arrays and the real API answered 500 (#151).
        raise ApiProblem(500, {"message": "Internal Server Error"})
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiProblem(400, {"message": "The request body is not valid JSON"}) from None
    if not isinstance(data, dict):
        raise ApiProblem(422, {"message": "must be an object"})
    return data


def endpoint(methods: tuple[str, ...]) -> Callable:
    """Wrap a view `(request, ctx, **kwargs) -> HttpResponse | dict`.

    The sandbox WSGI handler runs no middleware, so no CSRF exemption is needed.
    """

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def inner(request: HttpRequest, shard: str, **kwargs: Any) -> HttpResponse:
            rejected = _check_headers(request)
            if rejected is not None:
                return rejected
            found = _authenticate(request, shard)
            if found is None:
                return _unauthorized()
            account, user = found
            for check in (_rate_limited(user), _fault_response(account, request.method or "")):
                if check is not None:
                    return check
            if request.method not in methods:
                return JsonResponse({"message": "Method Not Allowed"}, status=405)
            base = request.build_absolute_uri(f"/cliniko/{shard}/v1").rstrip("/")
            ctx = Ctx(account=account, user=user, base=base, shard=shard)
            try:
                result = view(request, ctx, **kwargs)
            except ApiProblem as problem:
                return problem_response(problem)
            if isinstance(result, dict):
                return JsonResponse(result, json_dumps_params={"ensure_ascii": False})
            return result

        inner.raw = view  # type: ignore[attr-defined]  # for views that dispatch by method
        return inner

    return wrap


def sim_switch(ctx: Ctx, name: str, default: Any) -> Any:
    return switch(f"cliniko:{ctx.account.pk}", name, default)
