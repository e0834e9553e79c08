"""Push: one work item to Fergus, matching before creating, never writing twice.

`item_push(ctx, item)` dispatches on the item's object type and returns an
Outcome; failures raise ApiError (from the clients) or MappingFailed.
"""

from __future__ import annotations

from sync.push.base import MappingFailed, Outcome, PushContext, Skip
from sync.push.dispatch import item_push

__all__ = ["MappingFailed", "Outcome", "PushContext", "Skip", "item_push"]
