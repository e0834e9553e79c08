"""Settings for the integration portal, read from the environment.

Every value has a development default that just works (SQLite, DEBUG on, the
ORM broker). Production sets DEBUG=False, SECRET_KEY, ALLOWED_HOSTS and
FIELD_ENCRYPTION_KEYS; see the README's configuration table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.exists():
    env.read_env(str(_env_file))

TESTING = "pytest" in sys.modules or env.bool("TESTING", default=False)

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="dev-only-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_q",
    "django_tables2",
    "django_filters",
    "sync",
    "mappings",
    "reports",
    "sandbox",
    "sandbox.cliniko",
    "sandbox.fergus",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "integration_portal.urls"
WSGI_APPLICATION = "integration_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Databases -------------------------------------------------------------
# "default" holds the portal; "sandbox" holds the simulators' state so that
# the simulator process, the web process and the workers all see one clinic.
_SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
_TEST_DB_DIR = Path(env.str("TEST_DB_DIR", default=str(BASE_DIR / ".test-dbs")))
if TESTING:
    _TEST_DB_DIR.mkdir(parents=True, exist_ok=True)


def _database(url_var: str, default_file: str, test_file: str) -> dict:
    config = env.db_url(url_var, default=f"sqlite:///{BASE_DIR / default_file}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**_SQLITE_OPTIONS, **config.get("OPTIONS", {})}
        # A file, not memory: end-to-end tests run the simulators and the
        # django-q2 cluster in other threads and processes.
        config["TEST"] = {"NAME": str(_TEST_DB_DIR / test_file)}
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {
    "default": _database("DATABASE_URL", "db.sqlite3", "test-portal.sqlite3"),
    "sandbox": _database("SANDBOX_DATABASE_URL", "sandbox.sqlite3", "test-sandbox.sqlite3"),
}
DATABASE_ROUTERS = ["sandbox.routers.SandboxRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and queue -------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portal_cache",
        }
    }

Q_CLUSTER: dict = {
    "name": env.str("Q_CLUSTER_NAME", default="portal"),
    "workers": env.int("Q_WORKERS", default=2),
    # A task longer than `timeout` is killed; the broker re-delivers a task
    # not acknowledged within `retry`. retry must exceed timeout or a slow
    # task runs twice (system check sync.E001).
    "timeout": env.int("Q_TIMEOUT", default=300),
    "retry": env.int("Q_RETRY", default=420),
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "save_limit": env.int("Q_SAVE_LIMIT", default=1000),
    "queue_limit": 50,
    "catch_up": False,
    "label": "Task queue",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"
if env.bool("Q_SYNC", default=False):
    Q_CLUSTER["sync"] = True

# --- Secrets at rest ------------------------------------------------------
# Comma-separated Fernet keys: the first encrypts, all decrypt (rotation).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
if not FIELD_ENCRYPTION_KEYS and DEBUG:
    # A fixed development key so the demo works out of the box. Never used
    # when DEBUG is off: the system check sync.E002 refuses to start.
    FIELD_ENCRYPTION_KEYS = ["ZGV2LW9ubHkta2V5LW5ldmVyLXVzZS1pbi1wcm9kdWM="]

# --- Auth and security ----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "reports:login"
LOGIN_REDIRECT_URL = "/"

if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- E-mail -----------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ALERT_EMAILS = env.list("ALERT_EMAILS", default=[])

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en-au"
TIME_ZONE = "Australia/Sydney"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- The product ------------------------------------------------------------
CLINIKO_APP_NAME = env.str("CLINIKO_APP_NAME", default="Cliniko to Fergus Portal")
# Published limits: Cliniko 200 requests a minute per user, Fergus 100 per company.
# The sync paces at RATE_BUDGET_SHARE of them; 0 switches pacing off (tests only).
CLINIKO_RATE_LIMIT = env.int("CLINIKO_RATE_LIMIT", default=200)
FERGUS_RATE_LIMIT = env.int("FERGUS_RATE_LIMIT", default=100)
RATE_BUDGET_SHARE = env.float("RATE_BUDGET_SHARE", default=0.9)
RATE_WINDOW_SECONDS = env.float("RATE_WINDOW_SECONDS", default=60.0)
# Resilience: the circuit breaker opens after BREAKER_THRESHOLD retryable failures
# in a row and probes once per BREAKER_PROBE_SECONDS; alerts fire for an outage or
# a backlog older than these many seconds; /healthz calls a poll stale after
# HEALTH_POLL_STALE_SECONDS.
BREAKER_THRESHOLD = env.int("BREAKER_THRESHOLD", default=5)
BREAKER_PROBE_SECONDS = env.float("BREAKER_PROBE_SECONDS", default=30.0)
ALERT_OUTAGE_SECONDS = env.int("ALERT_OUTAGE_SECONDS", default=600)
ALERT_BACKLOG_SECONDS = env.int("ALERT_BACKLOG_SECONDS", default=3600)
HEALTH_POLL_STALE_SECONDS = env.int("HEALTH_POLL_STALE_SECONDS", default=600)
SYNC_LEASE_SECONDS = env.float("SYNC_LEASE_SECONDS", default=90.0)
WORK_CLAIM_SECONDS = env.float("WORK_CLAIM_SECONDS", default=150.0)
CYCLE_TASK_SECONDS = env.float("CYCLE_TASK_SECONDS", default=120.0)
# The simulators' own limits (per minute), for the demo and benchmarks.
SANDBOX_CLINIKO_RATE_LIMIT = env.int("SANDBOX_CLINIKO_RATE_LIMIT", default=200)
SANDBOX_FERGUS_RATE_LIMIT = env.int("SANDBOX_FERGUS_RATE_LIMIT", default=100)
HTTP_TIMEOUT_SECONDS = env.float("HTTP_TIMEOUT_SECONDS", default=20.0)
LOG_RETENTION_DAYS = env.int("LOG_RETENTION_DAYS", default=90)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # urllib3 logs full URLs at DEBUG; keep it quiet so no query string
        # with patient values reaches the logs.
        "urllib3": {"level": "WARNING"},
    },
}
