"""Settings for bench/faults.py and the qcluster it starts: the portal's, with the
lease and claim shortened so a SIGKILLed worker blocks its connection for seconds."""

from __future__ import annotations

import os

from integration_portal.settings import *  # noqa: F403

SYNC_LEASE_SECONDS = float(os.environ.get("SYNC_LEASE_SECONDS", "20"))
WORK_CLAIM_SECONDS = float(os.environ.get("WORK_CLAIM_SECONDS", "20"))
CLINIKO_RATE_LIMIT = int(os.environ.get("CLINIKO_RATE_LIMIT", "0"))
FERGUS_RATE_LIMIT = int(os.environ.get("FERGUS_RATE_LIMIT", "0"))
SANDBOX_CLINIKO_RATE_LIMIT = 0
SANDBOX_FERGUS_RATE_LIMIT = 0
CYCLE_TASK_SECONDS = 15
Q_CLUSTER = {**Q_CLUSTER, "workers": 1, "timeout": 120, "retry": 180,  # noqa: F405
             "max_attempts": 1, "poll": 0.2}
