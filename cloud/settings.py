"""Cloud (chain) tier settings: embedded defaults, real services when SMARTCART_* are set."""

from __future__ import annotations

from pathlib import Path

from cloud.notifications.mailconf import email_settings
from smartcart import tiersettings
from smartcart.envconf import (
    database_settings,
    env_bool,
    env_int,
    env_str,
    env_url,
    redis_settings,
)

TIER = "cloud"
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SMARTCART_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("SMARTCART_DEBUG", False)
# The demo (`smartcart demo` sets SMARTCART_DEMO=1) and DEBUG may run on built-in defaults;
# production (neither) must set its own secret key and host names (end of this file).
DEMO = env_bool("SMARTCART_DEMO", False)
PRODUCTION = not (DEBUG or DEMO)

INSTALLED_APPS = [
    *tiersettings.FRAMEWORK_APPS,
    "cloud.core",
    "cloud.stores",
    "cloud.tunnel",
    "cloud.commands",
    "cloud.remote",
    "cloud.releases",
    "cloud.incidents",
    "cloud.notifications",
    "cloud.software",
    "cloud.console",
]
MIDDLEWARE = tiersettings.with_locale(tiersettings.MIDDLEWARE)
AUTHENTICATION_BACKENDS = tiersettings.AUTHENTICATION_BACKENDS
ROOT_URLCONF = "cloud.urls"
ASGI_APPLICATION = "cloud.asgi.application"
WSGI_APPLICATION = None
TEMPLATES = tiersettings.TEMPLATES

# The cloud has its own database: SMARTCART_CLOUD_DB_URL when both tiers share a host's env,
# else SMARTCART_DB_URL (a cloud deployment sets only that one).
DB_URL = env_url("SMARTCART_CLOUD_DB_URL", ("mysql", "mariadb", "sqlite")) or env_url(
    "SMARTCART_DB_URL", ("mysql", "mariadb", "sqlite")
)
DATABASES = {"default": database_settings(DB_URL, sqlite_path=VAR_DIR / "cloud.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("SMARTCART_REDIS_URL", ("redis", "rediss"))
_redis = redis_settings(REDIS_URL)
CHANNEL_LAYERS = _redis["CHANNEL_LAYERS"]
CACHES = _redis["CACHES"]
CELERY_BROKER_URL = _redis["CELERY_BROKER_URL"]
CELERY_TASK_ALWAYS_EAGER = _redis["CELERY_TASK_ALWAYS_EAGER"]
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE: dict = {
    "mark-stale-stores-offline": {
        "task": "cloud.stores.tasks.mark_stale_stores_offline",
        "schedule": 10.0,
    },
    "expire-store-commands": {
        "task": "cloud.commands.tasks.expire_store_commands",
        "schedule": 10.0,
    },
    "deliver-due-store-commands": {
        "task": "cloud.commands.tasks.deliver_due_store_commands",
        "schedule": 10.0,
    },
    "deliver-due-notices": {
        "task": "cloud.notifications.tasks.deliver_due_notices",
        "schedule": 10.0,
    },
    "remind-open-incidents": {
        "task": "cloud.notifications.tasks.remind_open_incidents",
        "schedule": 60.0,
    },
    "sweep-incidents": {
        "task": "cloud.incidents.tasks.sweep_incidents",
        "schedule": 10.0,
    },
    "sweep-heartbeat-history": {
        "task": "cloud.stores.tasks.sweep_heartbeat_history",
        "schedule": 30.0,
    },
}

# A store whose last heartbeat is older than this is offline (the issue asks for < 60 s).
STORE_OFFLINE_AFTER_SECONDS = env_int("SMARTCART_STORE_OFFLINE_AFTER", 30, minimum=5)
# Incidents (cloud/incidents): how long a problem stays bad before an incident opens, how long
# it stays good before it resolves, the flap guard (this many times bad within the window opens
# one flapping incident at once; it resolves after the quiet time), and the fleet thresholds.
INCIDENT_GRACE_SECONDS = env_int("SMARTCART_INCIDENT_GRACE_SECONDS", 60, minimum=0)
INCIDENT_RECOVERY_SECONDS = env_int("SMARTCART_INCIDENT_RECOVERY_SECONDS", 30, minimum=0)
INCIDENT_FLAP_WINDOW_SECONDS = env_int("SMARTCART_INCIDENT_FLAP_WINDOW_SECONDS", 600, minimum=10)
INCIDENT_FLAP_ONSETS = env_int("SMARTCART_INCIDENT_FLAP_ONSETS", 3, minimum=2)
INCIDENT_FLAP_QUIET_SECONDS = env_int("SMARTCART_INCIDENT_FLAP_QUIET_SECONDS", 300, minimum=0)
INCIDENT_INGEST_LAG_MS = env_int("SMARTCART_INCIDENT_INGEST_LAG_MS", 30000, minimum=1)
INCIDENT_CARTS_OFFLINE_PCT = env_int("SMARTCART_INCIDENT_CARTS_OFFLINE_PCT", 30, minimum=0)
INCIDENT_FAULTS = env_int("SMARTCART_INCIDENT_FAULTS", 5, minimum=1)
INCIDENT_DEAD_LETTERS_GROWTH = env_int("SMARTCART_INCIDENT_DEAD_LETTERS_GROWTH", 100, minimum=1)
INCIDENT_DEAD_LETTERS_WINDOW_SECONDS = env_int(
    "SMARTCART_INCIDENT_DEAD_LETTERS_WINDOW_SECONDS", 600, minimum=60
)
INCIDENT_DISK_WARN_PCT = env_int("SMARTCART_INCIDENT_DISK_WARN_PCT", 20, minimum=0)
# Remote access (docs/tunnel.md): how long a proxied request may wait for the store's answer
# to begin, and then for each next piece of its body.
REMOTE_TIMEOUT_SECONDS = env_int("SMARTCART_REMOTE_TIMEOUT_SECONDS", 30, minimum=1)

# Firmware releases (docs/ota.md): the public keys an upload must be signed by (PEM files or
# directories of *.pub.pem, comma-separated), and where uploaded artifacts are kept.
RELEASE_TRUST = tuple(
    Path(p.strip()) for p in env_str("SMARTCART_RELEASE_TRUST", "").split(",") if p.strip()
)
RELEASES_DIR = VAR_DIR / "releases"
# A campaign's behaviour check compares updated carts with the control group only once both
# groups have this much use (docs/ota.md, "Judged on behaviour").
OTA_MIN_USE_HOURS = env_int("SMARTCART_OTA_MIN_USE_HOURS", 5, minimum=0)
OTA_MIN_SESSIONS = env_int("SMARTCART_OTA_MIN_SESSIONS", 20, minimum=0)

# Incident notifications (docs/notifications.md): mail from SMARTCART_EMAIL_* (file backend into
# <VAR_DIR>/mail unless a URL or backend is set), a reminder while an incident stays open, and
# how long a webhook may take before it counts as failed and is retried.
globals().update(email_settings(VAR_DIR))
NOTIFY_REPEAT_SECONDS = env_int("SMARTCART_NOTIFY_REPEAT_SECONDS", 3600, minimum=10)
NOTIFY_TIMEOUT_SECONDS = env_int("SMARTCART_NOTIFY_TIMEOUT_SECONDS", 5, minimum=1)
# The cloud's address as people reach it, for links in notices ("" = links relative to the host).
PUBLIC_URL = env_str("SMARTCART_PUBLIC_URL", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}
]
LOGIN_URL = "/accounts/login/"
OAUTH2_PROVIDER = tiersettings.oauth2_provider(
    scopes={"ops": "Ops team: stores, releases, campaigns, remote access"},
    validator="cloud.core.oauth.RoleValidator",
    token_seconds=env_int("SMARTCART_TOKEN_SECONDS", 3600, minimum=60),
    https_only=PRODUCTION,
)
REST_FRAMEWORK = tiersettings.rest_framework("tierkit.api.errors.exception_handler")
SPECTACULAR_SETTINGS = tiersettings.spectacular("SmartCart cloud API")
# A campaign's state and a store command's state are different choice sets, each named.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "CampaignStateEnum": "cloud.releases.models.Campaign.State",
    "StoreCommandStateEnum": "cloud.commands.models.StoreCommand.State",
    "RolloutStateEnum": "cloud.software.models.Rollout.State",
    "StoreUpdateStateEnum": "cloud.software.models.StoreUpdate.State",
    "IncidentStateEnum": "cloud.incidents.models.Incident.State",
    "SeverityEnum": "cloud.incidents.models.Severity",
    "ChannelKindEnum": "cloud.notifications.models.Channel.Kind",
}

LANGUAGE_CODE = "en"
# The console speaks English and Italian (cloud/console/locale; the header switches).
LANGUAGES = [("en", "English"), ("it", "Italiano")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static-cloud"
STATIC_ROOT.mkdir(exist_ok=True)
# The console's CSS and JS are served from the apps' static folders (no collectstatic step
# for the demo); production may still collect them into STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
LOGGING = tiersettings.logging_config(env_str("SMARTCART_LOG_LEVEL", "INFO"))
# /metrics (docs/operations.md, "Metrics and logs"): `Authorization: Bearer <token>`; unset = off.
METRICS_TOKEN = tiersettings.metrics_token()
METRICS_COLLECTORS = ["cloud.core.metrics.CloudCollector"]

# Production mode (secret key, hosts, TLS, HSTS) and login throttling, checked last so a bad
# value above is reported first: docs/operations.md, "Sign-in, tokens and production mode".
globals().update(
    tiersettings.production_security(
        production=PRODUCTION, builtin_key="insecure-cloud-dev-key-set-SMARTCART_SECRET_KEY"
    )
)
