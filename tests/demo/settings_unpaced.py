"""Settings for the demo test's subprocesses: the real settings without rate limits, so a
small end-to-end backfill finishes in seconds instead of waiting out 100 requests a minute."""

from integration_portal.settings import *  # noqa: F403

SANDBOX_CLINIKO_RATE_LIMIT = 0
SANDBOX_FERGUS_RATE_LIMIT = 0
CLINIKO_RATE_LIMIT = 0
FERGUS_RATE_LIMIT = 0
