"""Ids and timestamps shaped like Cliniko's.

Ids are 64-bit integers that render as 19-digit strings (real 2024 ids look like
"1390726237298631770"): milliseconds since 2013 in the high bits, a per-process
random start and a counter in the low 22 bits, so the seeder and the server (two
processes) do not collide.
"""

from __future__ import annotations

import random
import threading
import time
from datetime import UTC, datetime

from django.utils import timezone

_EPOCH_MS = 1_356_998_400_000  # 2013-01-01, Cliniko's API era
_BASE = 1_000_000_000_000_000_000  # keeps every id at 19 digits
_lock = threading.Lock()
_state = {"ms": 0, "seq": random.SystemRandom().randrange(1 << 21)}


def new_ids(count: int) -> list[int]:
    """Reserve `count` unique ids (bulk seeding takes them in blocks)."""
    with _lock:
        ms = max(int(time.time() * 1000) - _EPOCH_MS, _state["ms"])
        seq = _state["seq"]
        out = []
        for _ in range(count):
            seq += 1
            if seq >= 1 << 22:
                seq = 0
                ms += 1
            out.append(_BASE + (ms << 22 | seq))
        _state["ms"], _state["seq"] = ms, seq
        return out


def new_id() -> int:
    return new_ids(1)[0]


def now_s() -> datetime:
    """Now in UTC with second precision, as the API reports times."""
    return timezone.now().replace(microsecond=0)


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
