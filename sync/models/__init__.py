from sync.models.connection import (
    Connection,
    ConnectionMember,
    shard_from_key,
    validate_http_url,
    validate_time_zone,
)
from sync.models.onboarding import OnboardingState
from sync.models.resilience import (
    Alert,
    CircuitBreaker,
    RateBudget,
    ReplayAudit,
    ResilienceSettings,
)
from sync.models.runs import ConnectionLease, ReferenceRecord, SyncCursor, SyncRun
from sync.models.work import CrossReference, WorkAttempt, WorkItem

__all__ = [
    "Alert",
    "CircuitBreaker",
    "RateBudget",
    "ReplayAudit",
    "ResilienceSettings",
    "Connection",
    "ConnectionLease",
    "ConnectionMember",
    "CrossReference",
    "OnboardingState",
    "ReferenceRecord",
    "SyncCursor",
    "SyncRun",
    "WorkAttempt",
    "WorkItem",
    "shard_from_key",
    "validate_http_url",
    "validate_time_zone",
]
