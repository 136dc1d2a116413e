"""On-prem (store) tier settings: embedded defaults, real services when SMARTCART_* are set.

One module, driven by the environment (see docs/operations.md for every variable).
"""

from __future__ import annotations

import re
from pathlib import Path

from smartcart import tiersettings
from smartcart.envconf import (
    ConfigError,
    database_settings,
    env_bool,
    env_int,
    env_secret,
    env_str,
    env_url,
    mqtt_settings,
    redis_settings,
)

TIER = "onprem"
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SMARTCART_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("SMARTCART_DEBUG", False)
# The demo (`smartcart demo` sets SMARTCART_DEMO=1) and DEBUG may run on built-in defaults;
# production (neither) must set its own secret key and host names (end of this file).
DEMO = env_bool("SMARTCART_DEMO", False)
PRODUCTION = not (DEBUG or DEMO)
STORE_ID = env_str("SMARTCART_STORE_ID", "store-001")
STORE_NAME = env_str("SMARTCART_STORE_NAME", "Demo store")

INSTALLED_APPS = [
    *tiersettings.FRAMEWORK_APPS,
    "onprem.core",
    "onprem.fleet",
    "onprem.catalog",
    "onprem.integrations",
    "onprem.integrations.cashless",
    "onprem.integrations.erp",
    "onprem.uplink",
    "onprem.commands",
    "onprem.shopping",
    "onprem.updates",
    "onprem.software",
    # Above the domain apps: they import them, never the reverse (docs/architecture.md).
    "onprem.alerts",
    "onprem.dashboard",
    "onprem.analytics",
]

# The dashboard and BI speak Italian and English: from the user's setting, else the browser.
MIDDLEWARE = tiersettings.with_locale(tiersettings.MIDDLEWARE)
# A signed-in staff member's own language setting wins over the browser's (dashboard/language.py).
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "onprem.dashboard.language.StaffLanguageMiddleware")
AUTHENTICATION_BACKENDS = tiersettings.AUTHENTICATION_BACKENDS

ROOT_URLCONF = "onprem.urls"
# Threads serving HTTP in each server process (onprem/asgi.py): each holds one database connection.
HTTP_THREADS = env_int("SMARTCART_HTTP_THREADS", 10, minimum=1)
ASGI_APPLICATION = "onprem.asgi.application"
WSGI_APPLICATION = None
TEMPLATES = [{**tiersettings.TEMPLATES[0], "OPTIONS": {"context_processors": [
    *tiersettings.TEMPLATES[0]["OPTIONS"]["context_processors"],
    "onprem.dashboard.context_processors.store",  # store_name in the dashboard's header
]}}]

DB_URL = env_url("SMARTCART_DB_URL", ("mysql", "mariadb", "sqlite"))
DATABASES = {"default": database_settings(DB_URL, sqlite_path=VAR_DIR / "onprem.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("SMARTCART_REDIS_URL", ("redis", "rediss"))
_redis = redis_settings(REDIS_URL)
CHANNEL_LAYERS = _redis["CHANNEL_LAYERS"]
CACHES = _redis["CACHES"]
CELERY_BROKER_URL = _redis["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = _redis["CELERY_TASK_ALWAYS_EAGER"]
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE: dict = {}

# The demo starts an embedded broker on 1884 because Mosquitto usually holds 1883.
MQTT_URL = env_url("SMARTCART_MQTT_URL", ("mqtt", "mqtts"))
MQTT = mqtt_settings(MQTT_URL, default="mqtt://127.0.0.1:1884?protocol=3")
# How long the broker keeps ingest's session (and queues for it) while ingest is away.
MQTT_SESSION_EXPIRY_SECONDS = env_int("SMARTCART_MQTT_SESSION_EXPIRY_S", 24 * 3600, minimum=60)
INGEST_BATCH_SIZE = env_int("SMARTCART_INGEST_BATCH", 500, minimum=1)
# 50 ms: a reading waits on average half of this before its commit, and the staff page shows it
# only then (docs/decisions.md, "Ingest commits every 50 ms"); throughput under load is the same.
INGEST_FLUSH_MS = env_int("SMARTCART_INGEST_FLUSH_MS", 50, minimum=10)
# How far ahead of the store's clock a reading's ts may be before it is dead-lettered.
INGEST_MAX_SKEW_SECONDS = env_int("SMARTCART_INGEST_MAX_SKEW_S", 300, minimum=0)
LOW_BATTERY_PERCENT = env_int("SMARTCART_LOW_BATTERY", 20, minimum=1)
# The store box's disk (the database's volume): the health check fails under this share free.
DISK_MIN_FREE_PCT = env_int("SMARTCART_DISK_MIN_FREE_PCT", 10, minimum=0)
# Pairing a shopper with a cart below this charge is refused (reason low_battery).
SHOPPING_MIN_BATTERY_PERCENT = env_int("SMARTCART_SHOPPING_MIN_BATTERY", 30, minimum=0)

CLOUD_URL = env_url("SMARTCART_CLOUD_URL", ("http", "https", "ws", "wss")) or "ws://127.0.0.1:8100"
CLOUD_STORE_KEY = env_secret("SMARTCART_CLOUD_STORE_KEY", "")
HEARTBEAT_SECONDS = env_int("SMARTCART_HEARTBEAT_SECONDS", 5, minimum=1)

# Firmware updates (docs/ota.md): the public keys releases must be signed with (PEM files or
# directories of *.pub.pem, comma-separated; none: every release is refused unknown_key), the
# install gates' battery floor, how many devices install at once, the URL devices fetch
# artifacts at, and the store's default install window ("HH:MM-HH:MM" local time, empty: any
# time; a campaign's own window replaces it).
RELEASE_TRUST = tuple(
    Path(p.strip()) for p in env_str("SMARTCART_RELEASE_TRUST", "").split(",") if p.strip()
)
OTA_BATTERY_FLOOR = env_int("SMARTCART_OTA_BATTERY_FLOOR", 30, minimum=0)
OTA_CONCURRENCY = env_int("SMARTCART_OTA_CONCURRENCY", 25, minimum=1)
ONPREM_URL = (env_url("SMARTCART_ONPREM_URL", ("http", "https")) or "http://127.0.0.1:8000").rstrip("/")
OTA_WINDOW = env_str("SMARTCART_OTA_WINDOW", "")
if OTA_WINDOW and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", OTA_WINDOW):
    raise ConfigError(f"SMARTCART_OTA_WINDOW={OTA_WINDOW!r} must be HH:MM-HH:MM, or empty for any time")

# Remote access (docs/tunnel.md, "Remote access"): what the cloud's ops may open through the
# tunnel. Only this tier (at REMOTE_ONPREM_URL) under these path prefixes, and the racks' own
# announced pages; the service user the proxied requests are made as; size and time limits.
REMOTE_ONPREM_URL = (
    env_url("SMARTCART_REMOTE_ONPREM_URL", ("http", "https")) or "http://127.0.0.1:8000"
).rstrip("/")
REMOTE_ALLOWED_PREFIXES = tuple(
    p.strip()
    for p in env_str(
        "SMARTCART_REMOTE_ALLOWED_PREFIXES", "/api/v1/,/api/docs,/api/schema,/static/,/dashboard/"
    ).split(",")
    if p.strip()
)
REMOTE_USER = env_str("SMARTCART_REMOTE_USER", "remote-ops")
REMOTE_MAX_RESPONSE_MB = env_int("SMARTCART_REMOTE_MAX_RESPONSE_MB", 50, minimum=1)
REMOTE_TIMEOUT_SECONDS = env_int("SMARTCART_REMOTE_TIMEOUT_SECONDS", 30, minimum=1)
REMOTE_MAX_SECONDS = env_int("SMARTCART_REMOTE_MAX_SECONDS", 300, minimum=1)

# Remote actions (docs/tunnel.md, "Remote actions"): the store's components, their logs and
# pidfiles, and where support bundles are built. A bad component table stops the tier here.
from onprem.uplink.components import load_components  # noqa: E402 - no Django inside

LOG_DIR = Path(env_str("SMARTCART_LOG_DIR", str(VAR_DIR / "logs")))
RUN_DIR = Path(env_str("SMARTCART_RUN_DIR", str(VAR_DIR / "run")))
COMPONENTS = load_components(env_str("SMARTCART_COMPONENTS", ""), log_dir=LOG_DIR, run_dir=RUN_DIR)
SUPPORT_BUNDLE_DIR = VAR_DIR / "support-bundles"

# Updating the store's own software (onprem/software): release dirs, journal and backups under
# RELEASES_DIR; after a switch either one restart command (an argv, no shell) or SIGTERM to
# these components' pidfiles (the demo's supervisor starts them again on the new release).
RELEASES_DIR = Path(env_str("SMARTCART_RELEASES_DIR", str(VAR_DIR / "onprem-releases")))
SOFTWARE_RESTART = tuple(env_str("SMARTCART_SOFTWARE_RESTART", "").split())
SOFTWARE_COMPONENTS = tuple(
    n.strip()
    for n in env_str(
        "SMARTCART_SOFTWARE_COMPONENTS", "onprem,ingest,payment-sweep,updates,uplink"
    ).split(",")
    if n.strip()
)
SOFTWARE_HEALTH_SECONDS = env_int("SMARTCART_SOFTWARE_HEALTH_SECONDS", 30, minimum=5)

# Shoppers sign themselves up (/api/v1/shopper/accounts/): Django's full set of checks.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
LOGIN_URL = "/accounts/login/"

OAUTH2_PROVIDER = tiersettings.oauth2_provider(
    scopes={
        "staff": "Store staff: fleet state and commands",
        "shopper": "Shopper app: own sessions, basket and orders",
        "ops": "Ops team through the cloud tunnel",
        "device": "Racks and carts",
        "integration": "Store systems (ERP, payment terminals)",
    },
    validator="onprem.core.oauth.RoleValidator",
    # 15 minutes: the shopper app refreshes (rotated, replay revokes the family: RFC 9700).
    token_seconds=env_int("SMARTCART_TOKEN_SECONDS", 900, minimum=60),
    https_only=PRODUCTION,
)

REST_FRAMEWORK = tiersettings.rest_framework("onprem.core.api.errors.exception_handler")
# Shopper sign-ups per client address (a burst, and an hour); the address is the peer's
# unless SMARTCART_PROXIES says how many proxies in front append to X-Forwarded-For. The
# demo's simulated shoppers all sign up from one address, beside the app being tried out.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "shopper_signup_burst": env_str("SMARTCART_SIGNUP_BURST", "5/min" if PRODUCTION else "30/min"),
    "shopper_signup_hourly": env_str(
        "SMARTCART_SIGNUP_HOURLY", "20/hour" if PRODUCTION else "300/hour"
    ),
}
# Pairing codes that no cart has, per shopper: a person mistypes one now and then; guessing
# cart codes (40 bits each) takes millions of tries.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["shopper_pairing"] = env_str(
    "SMARTCART_PAIRING_RATE", "10/min"
)
REST_FRAMEWORK["NUM_PROXIES"] = env_int("SMARTCART_PROXIES", 0, minimum=0)
SPECTACULAR_SETTINGS = tiersettings.spectacular(
    "SmartCart on-prem API", oauth2_flows=("authorizationCode", "clientCredentials")
)
# Shopping has three "state" fields: each its own named enum for the app's generated client.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "SessionStateEnum": "onprem.shopping.choices.SessionState",
    "HelpStateEnum": "onprem.shopping.choices.HelpState",
    "PaymentStateEnum": "onprem.shopping.choices.PaymentState",
    "AlertKindEnum": "onprem.alerts.choices.AlertKind",
    "ErpSyncKindEnum": "onprem.integrations.erp.serializers.SYNC_KINDS",
    "UpdateJobStateEnum": "onprem.updates.choices.JobState",
    "ArtifactStateEnum": "onprem.updates.choices.ArtifactState",
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("it", "Italiano")]
TIME_ZONE = env_str("SMARTCART_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static-onprem"
STATIC_ROOT.mkdir(exist_ok=True)
# WhiteNoise serves the apps' static files straight from their folders (no collectstatic step
# for the demo); production may still collect them into STATIC_ROOT.
WHITENOISE_USE_FINDERS = True

LOGGING = tiersettings.logging_config(env_str("SMARTCART_LOG_LEVEL", "INFO"), store=STORE_ID)
# /metrics (docs/operations.md, "Metrics and logs"): `Authorization: Bearer <token>`; unset = off.
METRICS_TOKEN = tiersettings.metrics_token()
METRICS_COLLECTORS = ["onprem.core.metrics.StoreCollector"]


# Cashless NFC terminal, API v4 (docs/integrations/cashless.md). A URL without a port means
# the terminal's own: 8080 for http, 9443 for https. VERIFY_TLS: true, false or a CA file.
CASHLESS_URL = env_url("SMARTCART_CASHLESS_URL", ("http", "https")) or "http://127.0.0.1:8080"
CASHLESS_USERNAME = env_str("SMARTCART_CASHLESS_USERNAME", "api")
CASHLESS_PASSWORD = env_secret("SMARTCART_CASHLESS_PASSWORD", "test")
CASHLESS_VERIFY_TLS = env_str("SMARTCART_CASHLESS_VERIFY_TLS", "true")
CASHLESS_TIMEOUT_SECONDS = env_int("SMARTCART_CASHLESS_TIMEOUT_SECONDS", 10, minimum=1)
CASHLESS_PURCHASE_TIMEOUT_SECONDS = env_int(
    "SMARTCART_CASHLESS_PURCHASE_TIMEOUT_SECONDS", 120, minimum=1
)
CASHLESS_POLL_MS = env_int("SMARTCART_CASHLESS_POLL_MS", 1000, minimum=50)
CASHLESS_PAYMENT_TYPE = env_str("SMARTCART_CASHLESS_PAYMENT_TYPE", "")
# Where the terminal can reach this server; events arrive at <base>/api/v1/integrations/cashless/events/<secret>/
CASHLESS_CALLBACK_BASE = env_url("SMARTCART_CASHLESS_CALLBACK_BASE", ("http", "https")) or ""
CASHLESS_EVENT_SECRET = env_secret("SMARTCART_CASHLESS_EVENT_SECRET", "")
# The shopper app's checkout (docs/shopper-api/checkout.md): a basket goes to the terminal as
# lines of one product that takes any price (CustomValueProduct), credits = the store's money.
SHOPPING_CASHLESS_PRODUCT = env_str("SMARTCART_SHOPPING_CASHLESS_PRODUCT", "deli")
SHOPPING_CASHLESS_VARIANT = env_str("SMARTCART_SHOPPING_CASHLESS_VARIANT", "weighed")
SHOPPING_TILL_TIMEOUT_SECONDS = env_int("SMARTCART_SHOPPING_TILL_TIMEOUT_SECONDS", 900, minimum=60)
SHOPPING_PAYMENT_SWEEP_SECONDS = env_int("SMARTCART_SHOPPING_PAYMENT_SWEEP_SECONDS", 10, minimum=1)
CELERY_BEAT_SCHEDULE["shopping-payment-sweep"] = {
    "task": "onprem.shopping.tasks.sweep_payments",
    "schedule": float(SHOPPING_PAYMENT_SWEEP_SECONDS),
}

# ERP connector (Presence, seed 002): docs/integrations/erp.md. The defaults reach the emulator.
from celery.schedules import crontab as _crontab  # noqa: E402

ERP_URL = env_url("SMARTCART_ERP_URL", ("http", "https")) or "http://127.0.0.1:8300"
ERP_TOKEN = env_secret("SMARTCART_ERP_TOKEN", "emulator-token")
ERP_FIELD_MAP = env_str("SMARTCART_ERP_FIELD_MAP", "")  # JSON object, or a path to one
ERP_PAGE_SIZE = env_int("SMARTCART_ERP_PAGE_SIZE", 200, minimum=1)
ERP_TIMEOUT_SECONDS = env_int("SMARTCART_ERP_TIMEOUT_SECONDS", 10, minimum=1)
ERP_INCREMENTAL_SECONDS = env_int("SMARTCART_ERP_INCREMENTAL_SECONDS", 300, minimum=10)
ERP_STOCK_SECONDS = env_int("SMARTCART_ERP_STOCK_SECONDS", 60, minimum=10)
ERP_FULL_SYNC_HOUR = env_int("SMARTCART_ERP_FULL_SYNC_HOUR", 3, minimum=0)
if ERP_FULL_SYNC_HOUR > 23:
    raise ConfigError(f"SMARTCART_ERP_FULL_SYNC_HOUR={ERP_FULL_SYNC_HOUR} is not an hour (0-23)")
_ERP_TASKS = "onprem.integrations.erp.tasks"
CELERY_BEAT_SCHEDULE.update(
    {
        "erp-catalog-full": {
            "task": f"{_ERP_TASKS}.sync_catalog_full",
            "schedule": _crontab(hour=ERP_FULL_SYNC_HOUR, minute=17),
        },
        "erp-catalog-incremental": {
            "task": f"{_ERP_TASKS}.sync_catalog_incremental",
            "schedule": float(ERP_INCREMENTAL_SECONDS),
        },
        "erp-stock": {"task": f"{_ERP_TASKS}.sync_stock", "schedule": float(ERP_STOCK_SECONDS)},
    }
)

# BI rollups (onprem/analytics): yesterday's figures, once the store day is over.
ANALYTICS_ROLLUP_HOUR = env_int("SMARTCART_ANALYTICS_ROLLUP_HOUR", 1, minimum=0)
CELERY_BEAT_SCHEDULE["analytics-nightly-rollup"] = {
    "task": "onprem.analytics.tasks.roll_up_yesterday",
    "schedule": _crontab(hour=ANALYTICS_ROLLUP_HOUR % 24, minute=5),
}

# Alerts: carts not back in a rack after the store's closing time (AlertRule), every minute.
CELERY_BEAT_SCHEDULE["alerts-closing-time"] = {
    "task": "onprem.alerts.tasks.check_closing_time",
    "schedule": 60.0,
}

# Production mode (secret key, hosts, TLS, HSTS) and login throttling, checked last so a bad
# value above is reported first: docs/operations.md, "Sign-in, tokens and production mode".
globals().update(
    tiersettings.production_security(
        production=PRODUCTION, builtin_key="insecure-onprem-dev-key-set-SMARTCART_SECRET_KEY"
    )
)
