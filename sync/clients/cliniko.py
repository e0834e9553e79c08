"""The Cliniko API v1 client (reference: shared/reference/cliniko-api.md).

Every request goes through `ClinikoClient._request`: it paces, sets the documented
headers, times out, classifies failures into ApiError (retryable or permanent) and never
writes the key or a query string (which can hold patient names) into logs or messages.
Lists are read page by page, following `links.next`, so the engine can checkpoint.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from sync.clients.base import ApiError, ErrorKind, NullPacer, Pacer
from sync.clients.cliniko_types import Record, User, parse

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.{shard}.cliniko.com/v1"
PER_PAGE = 100
# Which lists hide rows unless asked with `:*` (reference §4.2, §4.4).
ARCHIVABLE = {
    "patients",
    "individual_appointments",
    "group_appointments",
    "attendees",
    "invoices",
    "invoice_items",
    "businesses",
    "appointment_types",
    "bookings",
    "contacts",
    "unavailable_blocks",
}
CANCELLABLE = {"individual_appointments", "attendees", "bookings"}
_STATUS_WORDS = {
    400: "rejected the request",
    401: "did not accept the API key",
    403: "refused: the key's user lacks the permission",
    404: "found no such record",
    422: "rejected the data",
    429: "is rate limiting this user",
}


def shard_of(api_key: str) -> str:
    from sync.models import shard_from_key  # one parser for the whole project

    return shard_from_key(api_key)


def utc_z(moment: datetime) -> str:
    """The filter format: UTC, whole seconds, `Z` (DateTime filters take no offsets)."""
    if moment.tzinfo is None:
        raise ValueError("updated_since must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Page:
    items: list[Record]
    total_entries: int
    next_url: str | None
    resource: str = ""


@dataclass
class CredentialReport:
    ok: bool
    shard: str
    message: str
    user_id: str | None = None
    user_name: str = ""
    role: str = ""
    can_read_users: bool | None = None
    problems: list[str] = field(default_factory=list)


class ClinikoClient:
    def __init__(
        self,
        api_key: str,
        user_agent: str,
        *,
        shard: str | None = None,
        base_url: str | None = None,
        session: requests.Session | None = None,
        timeout: float = 20.0,
        pacer: Pacer | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("A Cliniko API key is required.")
        if api_key.startswith("gAAAAA"):
            # Fernet ciphertext: someone passed the stored column instead of the secret.
            raise ValueError("Refusing to send an encrypted value as the Cliniko API key.")
        self._key = api_key
        self.user_agent = user_agent
        self.shard = (shard or shard_of(api_key)).lower()
        self.base_url = (base_url or DEFAULT_BASE_URL).replace("{shard}", self.shard).rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.pacer: Pacer = pacer or NullPacer()
        self.request_count = 0
        base = urlsplit(self.base_url)
        self._origin = (base.scheme, base.netloc)

    def __repr__(self) -> str:
        return f"<ClinikoClient shard={self.shard} base={self.base_url}>"

    @classmethod
    def for_connection(cls, connection: Any, **kwargs: Any) -> ClinikoClient:
        return cls(
            connection.cliniko_api_key,
            connection.cliniko_user_agent,
            shard=connection.cliniko_shard,
            base_url=connection.cliniko_base,
            **kwargs,
        )

    # --- the choke point --------------------------------------------------------

    def _url(self, path_or_url: str) -> str:
        if "://" not in path_or_url:
            return f"{self.base_url}/{path_or_url.lstrip('/')}"
        parts = urlsplit(path_or_url)
        if (parts.scheme, parts.netloc) != self._origin:
            # Never send the key to another host, even if a link points there.
            raise ApiError(
                "cliniko",
                ErrorKind.MALFORMED,
                f"Cliniko link points outside {self._origin[1]}; not followed",
                path=parts.path,
            )
        return path_or_url

    def _request(self, method: str, path_or_url: str, params: Any = None, json: Any = None) -> Any:
        url = self._url(path_or_url)
        path = urlsplit(url).path
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        if json is not None:
            headers["Content-Type"] = "application/json"
        self.pacer.acquire()
        started = time.monotonic()
        self.request_count += 1
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                json=json,
                headers=headers,
                auth=(self._key, ""),
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise ApiError(
                "cliniko",
                ErrorKind.TIMEOUT,
                f"Cliniko {method} {path} timed out after {self.timeout:g}s",
                method=method,
                path=path,
            ) from None
        except requests.RequestException as exc:
            raise ApiError(
                "cliniko",
                ErrorKind.NETWORK,
                f"Cliniko {method} {path} failed: {type(exc).__name__}",
                method=method,
                path=path,
            ) from None
        self.pacer.observe(response.status_code, response.headers)
        log.debug(
            "cliniko %s %s -> %s in %.0f ms",
            method,
            path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        if response.status_code >= 300:
            raise self._error(method, path, response)
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(
                "cliniko",
                ErrorKind.MALFORMED,
                f"Cliniko {method} {path} answered {response.status_code} without JSON",
                status=response.status_code,
                method=method,
                path=path,
            ) from None

    def _error(self, method: str, path: str, response: requests.Response) -> ApiError:
        status = response.status_code
        try:
            body = response.json()
        except ValueError:
            body = None
        api_message = body.get("message") if isinstance(body, dict) else None
        fields = None
        if isinstance(body, dict) and isinstance(body.get("errors"), dict):
            fields = {k: "" if v is None else str(v) for k, v in body["errors"].items()}
        retry_after = None
        if status == 429:
            kind, retry_after = ErrorKind.RATE_LIMITED, _retry_after(response.headers)
        elif status >= 500:
            kind = ErrorKind.SERVER
        elif status == 401:
            kind = ErrorKind.AUTH
        elif status == 403:
            kind = ErrorKind.FORBIDDEN
        elif status == 404:
            kind = ErrorKind.NOT_FOUND
        elif status in (400, 422):
            kind = ErrorKind.VALIDATION
        elif 300 <= status < 400:
            kind = ErrorKind.BAD_REQUEST  # redirects are not followed: the key stays here
        else:
            kind = ErrorKind.BAD_REQUEST
        words = _STATUS_WORDS.get(status, "failed")
        message = f"Cliniko {method} {path} {words} ({status})"
        if status == 401:
            message += f": wrong key, or a key for another shard than {self.shard}"
        if api_message and status in (400, 422):
            # Cliniko's 4xx messages name fields ("x is not filterable"), not values.
            message += f": {api_message}"
        if fields:
            message += f" [fields: {', '.join(sorted(fields))}]"
        if retry_after is not None:
            message += f"; retry in {retry_after:.0f}s"
        return ApiError(
            "cliniko",
            kind,
            message,
            status=status,
            retry_after=retry_after,
            method=method,
            path=path,
            fields=fields,
        )

    # --- lists -----------------------------------------------------------------

    def iter_pages(
        self,
        resource: str,
        *,
        updated_since: datetime | None = None,
        include_archived: bool = True,
        include_cancelled: bool = False,
        extra_q: Iterable[str] = (),
        sort: str = "updated_at:asc",
        path: str | None = None,
    ) -> Iterator[Page]:
        """Yield pages of typed records, `per_page=100`, following `links.next`.

        `updated_since` becomes `q[]=updated_at:>=` (the caller subtracts its overlap).
        Rows seen twice within this iteration (same id and updated_at) are dropped.
        """
        q = list(extra_q)
        if updated_since is not None:
            q.append(f"updated_at:>={utc_z(updated_since)}")
        if include_archived and resource in ARCHIVABLE:
            q.append("archived_at:*")
        if include_cancelled and resource in CANCELLABLE:
            q.append("cancelled_at:*")
        params: list[tuple[str, Any]] = [("q[]", f) for f in q]
        params += [("sort", sort), ("per_page", PER_PAGE)]
        seen: set[tuple[str, Any]] = set()
        url: str | None = path or resource
        first = True
        while url:
            body = self._request("GET", url, params=params if first else None)
            first = False
            if not isinstance(body, dict) or not isinstance(body.get(resource), list):
                raise ApiError(
                    "cliniko",
                    ErrorKind.MALFORMED,
                    f"Cliniko list {resource} lacks its '{resource}' array",
                    path=urlsplit(self._url(url)).path,
                )
            items = []
            for raw in body[resource]:
                record = parse(resource, raw)
                key = (record.id, raw.get("updated_at"))
                if key in seen:
                    continue
                seen.add(key)
                items.append(record)
            next_url = (body.get("links") or {}).get("next")
            total = body.get("total_entries")
            yield Page(
                items=items,
                total_entries=int(total) if total is not None else 0,
                next_url=next_url,
                resource=resource,
            )
            url = next_url

    def iter_all(self, resource: str, **kwargs: Any) -> Iterator[Record]:
        for page in self.iter_pages(resource, **kwargs):
            yield from page.items

    def patients(self, **kwargs: Any) -> Iterator[Page]:
        return self.iter_pages("patients", **kwargs)

    def individual_appointments(
        self, *, include_cancelled: bool = True, **kwargs: Any
    ) -> Iterator[Page]:
        return self.iter_pages(
            "individual_appointments", include_cancelled=include_cancelled, **kwargs
        )

    def invoices(self, **kwargs: Any) -> Iterator[Page]:
        return self.iter_pages("invoices", **kwargs)

    def invoice_items(self, *, invoice_id: str | None = None, **kwargs: Any) -> Iterator[Page]:
        extra = list(kwargs.pop("extra_q", ()))
        if invoice_id is not None:
            extra.append(f"invoice_id:={invoice_id}")
        return self.iter_pages("invoice_items", extra_q=extra, **kwargs)

    def practitioners(self, *, include_inactive: bool = True) -> list[Record]:
        found = list(self.iter_all("practitioners"))
        if include_inactive:
            found += self.iter_all("practitioners", path="practitioners/inactive")
        return found

    def users(self) -> list[Record]:
        return list(self.iter_all("users"))

    def businesses(self) -> list[Record]:
        return list(self.iter_all("businesses"))

    def appointment_types(self) -> list[Record]:
        return list(self.iter_all("appointment_types"))

    def taxes(self) -> list[Record]:
        return list(self.iter_all("taxes"))

    def get(self, resource: str, record_id: str) -> Record:
        body = self._request("GET", f"{resource}/{record_id}")
        if not isinstance(body, dict):
            raise ApiError("cliniko", ErrorKind.MALFORMED, f"Cliniko {resource} is not an object")
        return parse(resource, body)

    def user(self) -> User:
        body = self._request("GET", "user")
        if not isinstance(body, dict):
            raise ApiError("cliniko", ErrorKind.MALFORMED, "Cliniko /user is not an object")
        return User.from_raw(body)

    # --- writes (used by the demo and tests; the sync itself only reads) --------

    def create(self, resource: str, data: dict) -> Record:
        return parse(resource, self._request("POST", resource, json=data))

    def update(self, resource: str, record_id: str, data: dict) -> Record:
        return parse(resource, self._request("PATCH", f"{resource}/{record_id}", json=data))

    def archive(self, resource: str, record_id: str) -> None:
        self._request("POST", f"{resource}/{record_id}/archive", json={})

    def cancel_appointment(self, record_id: str, reason: int, note: str | None = None) -> None:
        body: dict[str, Any] = {"cancellation_reason": reason}
        if note:
            body["cancellation_note"] = note
        self._request("PATCH", f"individual_appointments/{record_id}/cancel", json=body)

    # --- credentials -------------------------------------------------------------

    def test_credentials(self) -> CredentialReport:
        try:
            me = self.user()
        except ApiError as exc:
            return CredentialReport(False, self.shard, _credential_problem(exc, self.shard))
        report = CredentialReport(
            True,
            self.shard,
            f"Connected to Cliniko shard {self.shard}.",
            user_id=me.id,
            user_name=f"{me.first_name} {me.last_name}".strip(),
            role=me.role,
        )
        try:
            self._request("GET", "users", params={"per_page": 1})
            report.can_read_users = True
        except ApiError as exc:
            if exc.kind != ErrorKind.FORBIDDEN:
                report.ok = False
                report.message = _credential_problem(exc, self.shard)
                return report
            report.can_read_users = False
            report.problems.append(
                f"This key's user (role: {me.role or 'unknown'}) may not read other users, so "
                "practitioners' e-mail addresses cannot be resolved and calendar events cannot "
                "be matched to Fergus users. Use an administrator's API key."
            )
        return report


def _credential_problem(exc: ApiError, shard: str) -> str:
    if exc.kind == ErrorKind.AUTH:
        return (
            f"Cliniko did not accept the API key on shard {shard}. Check that the key is "
            "complete and still active, and that its -suffix names the right shard."
        )
    if exc.status == 400 and "user agent" in exc.message.lower():
        return (
            "Cliniko requires a User-Agent with the app name and a contact e-mail; set "
            "the connection's User-Agent contact e-mail."
        )
    if exc.kind == ErrorKind.FORBIDDEN:
        return "The key's user may not use the API (403)."
    if exc.retryable:
        return f"Cliniko could not be reached just now ({exc.message}); try again shortly."
    return f"Cliniko refused the credential check: {exc.message}"


def _retry_after(headers: Any) -> float | None:
    """Seconds to wait: Retry-After if sent (not documented, but handled), else
    X-RateLimit-Reset (Unix seconds) minus now."""
    value = headers.get("Retry-After")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
            except (TypeError, ValueError):
                pass
    reset = headers.get("X-RateLimit-Reset")
    if reset:
        try:
            return max(0.0, float(reset) - time.time())
        except ValueError:
            return None
    return None
