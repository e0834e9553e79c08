from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import override_settings

from sync.checks import check_encryption_keys, check_queue_retry_exceeds_timeout

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "False",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-0123456789",
    "ALLOWED_HOSTS": "portal.example.com.au",
    "FIELD_ENCRYPTION_KEYS": "3q2-7sOB3kN0CnzvvmWfYjX7C2yK4i7e-lb0zBNVlWE=",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Only the production variables given here: nothing a test harness set (such as
    # DJANGO_ALLOW_ASYNC_UNSAFE for the browser tests) may leak into the check.
    inherited = ("PATH", "HOME", "LANG", "PYTHONPATH", "DATABASE_URL", "SANDBOX_DATABASE_URL",
                 "REDIS_URL", "TMPDIR")
    full_env = {k: v for k, v in os.environ.items() if k in inherited}
    full_env.update(env)
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env,
        capture_output=True, text=True, timeout=120,
    )


def test_it_fails_when_queue_retry_is_not_larger_than_timeout():
    with override_settings(Q_CLUSTER={"timeout": 300, "retry": 300}):
        errors = check_queue_retry_exceeds_timeout()
    assert [e.id for e in errors] == ["sync.E001"]
    assert errors[0].level >= 40  # an error, not a warning
    assert "run twice" in errors[0].msg


def test_it_accepts_retry_larger_than_timeout():
    with override_settings(Q_CLUSTER={"timeout": 300, "retry": 420}):
        assert check_queue_retry_exceeds_timeout() == []


def test_it_fails_without_encryption_keys_outside_debug():
    with override_settings(DEBUG=False, FIELD_ENCRYPTION_KEYS=[]):
        errors = check_encryption_keys()
    assert [e.id for e in errors] == ["sync.E002"]


def test_it_reports_a_malformed_encryption_key():
    with override_settings(FIELD_ENCRYPTION_KEYS=["not-a-fernet-key"]):
        from sync.crypto import _multifernet

        _multifernet.cache_clear()
        errors = check_encryption_keys()
    assert [e.id for e in errors] == ["sync.E003"]
    assert "entry 1" in errors[0].msg


def test_deploy_check_is_clean_in_production_mode():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_retry_check_fires_on_a_bad_production_config():
    env = {**PRODUCTION_ENV, "Q_TIMEOUT": "600", "Q_RETRY": "300"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "sync.E001" in result.stderr


def test_the_encryption_check_fires_in_production_without_keys():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "FIELD_ENCRYPTION_KEYS"}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "sync.E002" in result.stderr
