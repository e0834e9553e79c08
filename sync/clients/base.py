"""What both API clients share: the error type and the pacing hook.

Each client has its own single HTTP choke point (`ClinikoClient._request`,
`FergusClient._request`) that paces, times out, classifies errors and scrubs
secrets; this module only holds the vocabulary they share with the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class ErrorKind:
    RATE_LIMITED = "rate_limited"  # 429
    SERVER = "server"  # 5xx (not a validation body)
    NETWORK = "network"  # connection refused / reset
    TIMEOUT = "timeout"  # no answer in time: a write may or may not have happened
    AUTH = "auth"  # 401: wrong or expired key
    FORBIDDEN = "forbidden"  # 403: the key's user lacks the permission
    NOT_FOUND = "not_found"  # 404
    VALIDATION = "validation"  # 400/422, or Fergus validation answered as 500
    BAD_REQUEST = "bad_request"  # other 4xx
    MALFORMED = "malformed"  # the answer is not what the API documents

    RETRYABLE = frozenset({RATE_LIMITED, SERVER, NETWORK, TIMEOUT})


@dataclass
class ApiError(Exception):
    """A failed call. `message` names the operation, status and field names, never values."""

    api: str  # "cliniko" | "fergus"
    kind: str
    message: str
    status: int | None = None
    retry_after: float | None = None  # seconds the API asked us to wait
    method: str = ""
    path: str = ""  # path without query string
    fields: dict[str, str] | None = None  # field name -> the API's message

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def retryable(self) -> bool:
        return self.kind in ErrorKind.RETRYABLE

    def __str__(self) -> str:
        return self.message


class Pacer(Protocol):
    """Shared rate budget (the resilience work provides real ones)."""

    def acquire(self) -> None:
        """Block until one request may be sent."""

    def observe(self, status: int, headers: Any) -> None:
        """Learn from an answer (rate-limit headers, 429s)."""


class NullPacer:
    def acquire(self) -> None:
        return None

    def observe(self, status: int, headers: Any) -> None:
        return None
