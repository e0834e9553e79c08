"""The Fergus API client (reference: shared/reference/fergus-api.md, §12 above all).

Every request goes through `FergusClient._request`: Bearer auth, pacing, timeout,
no redirects (a 303 on create means "already exists"), `data` unwrapped, and
errors classified into `ApiError` with scrubbed messages (ids, fields, method,
path; never the token, query strings or record values).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from sync.clients.base import ApiError, ErrorKind, NullPacer, Pacer
from sync.clients.fergus_resources import ResourcesMixin
from sync.clients.fergus_work import WorkMixin

log = logging.getLogger(__name__)

API = "fergus"
DEFAULT_BASE_URL = "https://api.fergus.com"
MAX_PAGES = 10_000

_EMAIL = re.compile(r"[^\s@'\"]+@[^\s@'\"]+")
_QUERY = re.compile(r"\?\S*")
_PROP = re.compile(r"(?:<body>/|property ')([A-Za-z0-9_]+)")
# Words of Fergus validation messages ("Validation Failed: [...]", "The jobType must be one
# of ...", "The address1 must not be empty", "The customerId does not exist").
_VALIDATION_HINTS = ("validation", "must ", "required", "invalid", "does not exist",
                     "not allowed")


@dataclass
class Reply:
    status: int
    data: Any  # `data` unwrapped, or the bare body
    body: Any  # the whole decoded body
    headers: Any


def scrub(message: str) -> str:
    """Fergus messages name properties; strip what could carry values (queries, e-mails)."""
    message = _QUERY.sub("", message)
    message = _EMAIL.sub("<email>", message)
    return message[:200]


def looks_like_validation(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    text = f"{body.get('message', '')} {body.get('error', '')}".lower()
    return any(hint in text for hint in _VALIDATION_HINTS) and "internal" not in str(
        body.get("message", "")).lower()


class FergusClient(ResourcesMixin, WorkMixin):
    def __init__(self, token: str, *, base_url: str = DEFAULT_BASE_URL,
                 session: requests.Session | None = None, timeout: float = 20.0,
                 pacer: Pacer | None = None) -> None:
        if not token or not token.strip():
            raise ValueError("A Fergus access token is required.")
        if token.startswith("gAAAAA"):
            # Fernet ciphertext: the caller passed the stored column, not the decrypted secret.
            raise ValueError("The Fergus token looks encrypted; pass the decrypted token.")
        self._token = token.strip()
        self.base_url = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.pacer: Pacer = pacer or NullPacer()
        self.requests_sent = 0

    @classmethod
    def for_connection(cls, connection: Any, **kwargs: Any) -> FergusClient:
        return cls(connection.fergus_token, base_url=connection.fergus_base, **kwargs)

    def __repr__(self) -> str:
        return f"<FergusClient {self.base_url}>"  # never the token

    # --- the choke point ------------------------------------------------------

    def _request(self, method: str, path: str, params: dict | list | None = None,
                 json: Any = None) -> Reply:
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if json is not None:
            # Only with a body: a bodiless DELETE with this header is a 400 (§6).
            headers["Content-Type"] = "application/json"
        url = f"{self.base_url}{path}"
        self.pacer.acquire()
        self.requests_sent += 1
        try:
            response = self.session.request(
                method, url, params=params, json=json, headers=headers, timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise ApiError(API, ErrorKind.TIMEOUT, f"Fergus {method} {path}: no answer within "
                           f"{self.timeout:g}s (the write may have happened)", method=method,
                           path=path) from None
        except requests.RequestException as exc:
            raise ApiError(API, ErrorKind.NETWORK, f"Fergus {method} {path}: network error "
                           f"({type(exc).__name__})", method=method, path=path) from None
        self.pacer.observe(response.status_code, response.headers)
        body = _decode(response)
        if response.status_code < 300 or response.status_code == 303:
            data = body.get("data", body) if isinstance(body, dict) and "result" in body \
                else body
            return Reply(response.status_code, data, body, response.headers)
        raise _classify(method, path, response, body)

    def _get(self, path: str, params: dict | None = None) -> Any:
        return self._request("GET", path, params=params).data

    def _paged(self, path: str, params: dict | None = None) -> Iterator[dict]:
        """Follow `paging.links.next`; a repeated pageCursor means the last one (§4)."""
        query: list[tuple[str, str]] | dict | None = {
            k: v for k, v in (params or {}).items() if v is not None}
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            reply = self._request("GET", path, params=query)
            items = reply.data
            if not isinstance(items, list):
                raise ApiError(API, ErrorKind.MALFORMED, f"Fergus GET {path}: expected a list",
                               status=reply.status, method="GET", path=path)
            yield from items
            paging = reply.body.get("paging") if isinstance(reply.body, dict) else None
            nxt = ((paging or {}).get("links") or {}).get("next")
            if not nxt:
                return
            path, query = _split_link(nxt)
            cursor = dict(query).get("pageCursor", "")
            if cursor in seen:
                raise ApiError(API, ErrorKind.MALFORMED, f"Fergus GET {path}: the next link "
                               "repeats a cursor", method="GET", path=path)
            seen.add(cursor)
        raise ApiError(API, ErrorKind.MALFORMED, f"Fergus GET {path}: too many pages",
                       method="GET", path=path)


def _split_link(link: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(link)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    cursors = [v for k, v in pairs if k == "pageCursor"]
    pairs = [(k, v) for k, v in pairs if k != "pageCursor"]
    if cursors:
        pairs.append(("pageCursor", cursors[-1]))
    path = parts.path or "/"
    return (path if path.startswith("/") else f"/{path}"), pairs


def _decode(response: requests.Response) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _classify(method: str, path: str, response: requests.Response, body: Any) -> ApiError:
    status = response.status_code
    ctype = response.headers.get("Content-Type", "")
    if isinstance(body, dict) and body.get("message"):
        detail = scrub(str(body["message"]))
    elif response.content:
        kind = "an HTML page" if "html" in ctype.lower() else f"a non-JSON body ({ctype or '?'})"
        detail = f"answered with {kind}"
    else:
        detail = "empty answer"
    fields = None
    if isinstance(body, dict) and body.get("message"):
        names = _PROP.findall(str(body["message"]))
        fields = {n: detail for n in names} or None
    where = f"Fergus {method} {path} → {status}"
    kw: dict[str, Any] = {"status": status, "method": method, "path": path, "fields": fields}
    if status == 429:
        retry = _float(response.headers.get("retry-after"))
        return ApiError(API, ErrorKind.RATE_LIMITED, f"{where}: rate limited", retry_after=retry,
                        **kw)
    if status >= 500:
        if status == 500 and looks_like_validation(body):
            return ApiError(API, ErrorKind.VALIDATION, f"{where}: {detail} (validation answered "
                            "as 500)", **kw)
        return ApiError(API, ErrorKind.SERVER, f"{where}: {detail}",
                        retry_after=_float(response.headers.get("retry-after")), **kw)
    if status == 401:
        return ApiError(API, ErrorKind.AUTH, f"{where}: the access token is invalid or expired "
                        "(PATs expire after 365 days)", **kw)
    if status == 403:
        return ApiError(API, ErrorKind.FORBIDDEN, f"{where}: the token's user lacks the "
                        f"permission ({detail})", **kw)
    if status == 404:
        return ApiError(API, ErrorKind.NOT_FOUND, f"{where}: {detail}", **kw)
    if status in (400, 422):
        return ApiError(API, ErrorKind.VALIDATION, f"{where}: {detail}", **kw)
    return ApiError(API, ErrorKind.BAD_REQUEST, f"{where}: {detail}", **kw)


def _float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None
