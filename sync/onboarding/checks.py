"""Credential checks for onboarding: one clear message per way a credential can be wrong.

Each check returns a `Check` (JSON-safe, stored on the OnboardingState): a stable `code`
for tests and templates, and a sentence a consultant can act on. Messages name shards,
roles, company names and HTTP statuses, never a key, a token or a patient value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings

from sync.clients.base import ApiError, ErrorKind
from sync.models import Connection
from sync.models.connection import SHARD_SUFFIX

# Where a rejected key is tried next to tell "wrong shard" from "wrong key". Only
# Cliniko's own hosts (the connection's URL template) ever see the key. A hint list, not
# the truth: new shards appear, so it is a setting.
DEFAULT_SHARD_HINTS = ("au1", "au2", "au3", "au4", "au5", "ca1", "uk1", "uk2", "eu1")
CHECK_TIMEOUT = 15.0


@dataclass
class Check:
    system: str  # "cliniko" | "fergus"
    ok: bool
    code: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cliniko_client(connection: Connection, *, api_key: str | None = None,
                    shard: str | None = None) -> Any:
    from sync.clients.cliniko import DEFAULT_BASE_URL, ClinikoClient

    return ClinikoClient(
        api_key or connection.cliniko_api_key, connection.cliniko_user_agent,
        shard=shard or connection.cliniko_shard,
        base_url=connection.cliniko_base_url or DEFAULT_BASE_URL, timeout=CHECK_TIMEOUT,
    )


def _key_shard_suffix(api_key: str) -> str | None:
    if "-" in api_key:
        suffix = api_key.rsplit("-", 1)[1]
        if SHARD_SUFFIX.match(suffix):
            return suffix.lower()
    return None


def _shard_that_accepts(connection: Connection) -> str | None:
    """Another shard where the key (without its suffix) is accepted, if any."""
    key = connection.cliniko_api_key
    bare = key.rsplit("-", 1)[0] if _key_shard_suffix(key) else key
    hints = getattr(settings, "ONBOARDING_CLINIKO_SHARD_HINTS", DEFAULT_SHARD_HINTS)
    for shard in hints:
        if shard == connection.cliniko_shard:
            continue
        try:
            _cliniko_client(connection, api_key=bare, shard=shard).user()
        except ApiError:
            continue
        return shard
    return None


def cliniko_check(connection: Connection) -> Check:
    if not connection.cliniko_user_agent_email:
        return Check("cliniko", False, "user_agent_missing",
                     "Cliniko rejects requests without a User-Agent naming the app and a contact "
                     "e-mail. Enter the User-Agent contact e-mail in step 1.")
    shard = connection.cliniko_shard
    client = _cliniko_client(connection)
    try:
        client.user()
    except ApiError as exc:
        return _cliniko_failure(connection, exc)
    report = client.test_credentials()
    if not report.ok:
        return Check("cliniko", False, "unexpected", report.message)
    details: dict[str, Any] = {"shard": shard, "user_name": report.user_name,
                               "role": report.role}
    if report.can_read_users is False and getattr(
            settings, "ONBOARDING_REQUIRE_CLINIKO_ADMIN", True):
        return Check("cliniko", False, "no_admin_rights",
                     f"The key works on shard {shard}, but its user (role: "
                     f"{report.role or 'unknown'}) may not read other users (403 on /users): "
                     "practitioners' e-mail addresses cannot be read, so appointments cannot be "
                     "assigned to Fergus users. Paste the API key of a Cliniko administrator.",
                     details)
    try:
        businesses = client.businesses()
    except ApiError as exc:
        return Check("cliniko", False, "businesses_unreadable",
                     f"The key works, but the businesses could not be read: {exc.message}",
                     details)
    details["businesses"] = [
        {"id": b.id, "name": b.raw.get("business_name") or b.raw.get("display_name") or b.id,
         "time_zone": b.raw.get("time_zone_identifier") or ""}
        for b in businesses
    ]
    if not businesses:
        return Check("cliniko", False, "no_businesses",
                     "The key works, but the account has no businesses (locations).", details)
    names = ", ".join(b["name"] for b in details["businesses"][:5])
    suffix = "" if _key_shard_suffix(connection.cliniko_api_key) else (
        " The key has no shard suffix, so shard au1 was used.")
    return Check("cliniko", True, "ok",
                 f"Connected to Cliniko shard {shard} as {report.user_name or 'the key user'} "
                 f"(role: {report.role or 'unknown'}); businesses: {names}.{suffix}", details)


def _cliniko_failure(connection: Connection, exc: ApiError) -> Check:
    shard = connection.cliniko_shard
    if exc.kind == ErrorKind.AUTH:
        other = _shard_that_accepts(connection)
        if other is not None:
            return Check("cliniko", False, "wrong_shard",
                         f"The key belongs to Cliniko shard {other}, not {shard}: its ending "
                         f"should be -{other}. Copy the whole key again from Cliniko "
                         "(My info → Manage API keys).", {"shard": shard, "found_on": other})
        return Check("cliniko", False, "wrong_key",
                     f"Cliniko (shard {shard}) did not accept the API key, and no other shard "
                     "knows it: the key is mistyped, incomplete or was revoked. Copy it again "
                     "from Cliniko (My info → Manage API keys).", {"shard": shard})
    if exc.status == 400 and "user agent" in exc.message.lower():
        return Check("cliniko", False, "user_agent_missing",
                     "Cliniko rejected the request for lack of a User-Agent with a contact "
                     "e-mail. Enter the User-Agent contact e-mail in step 1.")
    if exc.kind == ErrorKind.FORBIDDEN:
        return Check("cliniko", False, "api_forbidden",
                     "Cliniko accepted the key but its user may not use the API (403).")
    if exc.retryable or exc.kind in (ErrorKind.NETWORK, ErrorKind.TIMEOUT):
        return Check("cliniko", False, "unreachable",
                     f"Cliniko could not be reached just now ({exc.message}); try again.")
    return Check("cliniko", False, "unexpected", f"Cliniko refused the check: {exc.message}")


def fergus_check(connection: Connection) -> Check:
    from sync.clients.fergus import FergusClient

    try:
        client = FergusClient.for_connection(connection, timeout=CHECK_TIMEOUT)
    except ValueError:
        return Check("fergus", False, "token_missing", "Paste the Fergus personal access token.")
    report = client.test_credentials()
    if not report.ok:
        codes = {ErrorKind.AUTH: "token_rejected", ErrorKind.FORBIDDEN: "token_forbidden",
                 ErrorKind.RATE_LIMITED: "unreachable", ErrorKind.TIMEOUT: "unreachable",
                 ErrorKind.NETWORK: "unreachable", ErrorKind.SERVER: "unreachable"}
        code = codes.get(report.error_kind or "", "unexpected")
        message = report.message
        if code == "token_rejected":
            message = ("Fergus refused the token (401): it is mistyped, revoked or expired "
                       "(personal access tokens expire after 365 days). Create a new one in "
                       "Fergus (Settings → Personal access tokens) as the company owner.")
        return Check("fergus", False, code, message)
    details = {"company_name": report.company_name, "time_zone": report.time_zone,
               "user_name": report.user_name, "is_owner": report.is_owner,
               "tax_type": report.tax_type,
               "tax_rate": None if report.tax_rate is None else str(report.tax_rate)}
    if not report.is_owner and getattr(settings, "ONBOARDING_REQUIRE_FERGUS_OWNER", True):
        return Check("fergus", False, "not_owner",
                     f"The token works for {report.company_name}, but its user "
                     f"{report.user_name} is not an owner of the company. Use a token created "
                     "by the company owner, so every customer, job and calendar is writable.",
                     details)
    return Check("fergus", True, "ok", report.message, details)
