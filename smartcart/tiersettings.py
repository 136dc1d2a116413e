"""Plain values both Django tiers' settings.py share (no Django import: these are just data).

Not a layered settings file: each tier's settings.py stays the one place to read; it takes
these few framework boilerplate values from here so the two tiers cannot drift apart.
"""

from __future__ import annotations

from smartcart.envconf import ConfigError, env_bool, env_int, env_secret, env_str

FRAMEWORK_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "axes",
    # Request, response and cache metrics for /metrics (tierkit/metrics.py adds our own).
    "django_prometheus",
]

MIDDLEWARE = [
    # First and (almost) last: django-prometheus times everything between the two.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before axes so a locked-out login's 429 is counted too.
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

def with_locale(middleware: list[str]) -> list[str]:
    """`middleware` with Django's LocaleMiddleware where it must go: after sessions, before
    CommonMiddleware (for the tier that translates its pages)."""
    at = middleware.index("django.middleware.common.CommonMiddleware")
    return [*middleware[:at], "django.middleware.locale.LocaleMiddleware", *middleware[at:]]


# django-axes counts failed logins (admin and every login form) per username and IP.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def rest_framework(exception_handler: str) -> dict:
    return {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        # Ours adds the bearer-token scopes and the 4xx answers to every operation.
        "DEFAULT_SCHEMA_CLASS": "tierkit.api.openapi.AutoSchema",
        # Every list is bounded: ?limit= at most 500 (one page of dead letters was once 61 MB).
        "DEFAULT_PAGINATION_CLASS": "tierkit.api.pagination.BoundedPagination",
        "PAGE_SIZE": 100,
        # JSON bodies only: what the schema documents and every client sends (a form or
        # multipart body is a 415 that says so, not a parser's bare 400).
        "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
        "EXCEPTION_HANDLER": exception_handler,
    }


def spectacular(title: str, *, oauth2_flows: tuple[str, ...] = ("authorizationCode",)) -> dict:
    return {
        "TITLE": title,
        "VERSION": "1",
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "SERVE_INCLUDE_SCHEMA": False,  # the schema endpoint is not part of the API it describes
        # Clients send `Authorization: Bearer <token>` (django-oauth-toolkit); the schema says so,
        # with each operation's scopes (tierkit.api.openapi.ScopedBearerToken).
        "OAUTH2_FLOWS": list(oauth2_flows),
        "OAUTH2_AUTHORIZATION_URL": "/o/authorize/",
        "OAUTH2_TOKEN_URL": "/o/token/",
        "OAUTH2_REFRESH_URL": "/o/token/",
    }


def logging_config(level: str, *, store: str = "") -> dict:
    """One line per record with store= and device= (smartcart/logcontext.py): logfmt, or JSON
    when SMARTCART_LOG_FORMAT=json. `store` tags every record of a store's tier."""
    log_format = env_str("SMARTCART_LOG_FORMAT", "logfmt").lower()
    if log_format not in ("logfmt", "json"):
        raise ConfigError(f"SMARTCART_LOG_FORMAT={log_format!r} must be logfmt or json")
    formatter = "smartcart.logcontext.JsonFormatter" if log_format == "json" else "smartcart.logcontext.LogfmtFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "smartcart.logcontext.ContextFilter", "store": store}},
        "formatters": {"line": {"()": formatter}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "line", "filters": ["context"]}
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.channels.server": {"level": "WARNING"},
            "daphne": {"level": "WARNING"},
            "axes.apps": {"level": "WARNING"},  # its start-up banner on every manage.py call
        },
    }


def secret_key(value: str, *, builtin: str, production: bool) -> str:
    """SMARTCART_SECRET_KEY, or the built-in development key, which production refuses."""
    if value:
        return value
    if production:
        raise ConfigError(
            "SMARTCART_SECRET_KEY is unset and the built-in development key is not for production: "
            "set SMARTCART_SECRET_KEY (or SMARTCART_SECRET_KEY_FILE), or SMARTCART_DEMO=1 for the demo"
        )
    return builtin


def allowed_hosts(value: str, *, production: bool) -> list[str]:
    """SMARTCART_ALLOWED_HOSTS (comma-separated); production names its hosts, never `*`."""
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    if not production:
        return hosts or ["*"]
    if not hosts or "*" in hosts:
        raise ConfigError(
            f"SMARTCART_ALLOWED_HOSTS={value!r} must name this server's host names (comma-separated, "
            "no `*`) in production; SMARTCART_DEMO=1 allows any host for the demo"
        )
    return hosts


def oauth2_provider(*, scopes: dict, validator: str, token_seconds: int, https_only: bool) -> dict:
    """django-oauth-toolkit, RFC 9700: code + PKCE S256, client credentials, rotated refresh tokens.

    No implicit or password grant, no token in a query string, tokens stored as hashes, and a
    replayed refresh token revokes its whole family. `validator` grants scopes by role.
    """
    return {
        "SCOPES": scopes,
        # No scope is given for free: a client asks for the scopes it needs (the validator
        # refuses an empty request with the list to choose from).
        "DEFAULT_SCOPES": [],
        "OAUTH2_VALIDATOR_CLASS": validator,
        "ACCESS_TOKEN_EXPIRE_SECONDS": token_seconds,
        "REFRESH_TOKEN_EXPIRE_SECONDS": 14 * 24 * 3600,
        "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
        "ROTATE_REFRESH_TOKEN": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "PKCE_REQUIRED": True,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if https_only else ["http", "https"],
        "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
        "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
        "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
        "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
        "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
        "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": https_only,
        "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
        "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
        "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
        "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "client_credentials", "refresh_token"],
    }


def metrics_token() -> str:
    """SMARTCART_METRICS_TOKEN (or _FILE): the bearer token /metrics asks for; empty: /metrics off."""
    return env_secret("SMARTCART_METRICS_TOKEN", "")


# Five wrong passwords for one username from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True


def production_security(*, production: bool, builtin_key: str) -> dict:
    """The settings production mode decides, for both tiers (docs/operations.md, "Sign-in,
    tokens and production mode"): the secret key, the host names, TLS-only cookies and HSTS,
    and login throttling. Read from SMARTCART_* variables; a bad value stops the tier."""
    tls = env_bool("SMARTCART_TLS", production)
    preload = env_bool("SMARTCART_HSTS_PRELOAD", False)
    return {
        # SMARTCART_REQUIRE_SECRET refuses the built-in key even in the demo.
        "SECRET_KEY": secret_key(env_secret("SMARTCART_SECRET_KEY", ""), builtin=builtin_key,
                                 production=production or env_bool("SMARTCART_REQUIRE_SECRET", False)),
        "ALLOWED_HOSTS": allowed_hosts(env_str("SMARTCART_ALLOWED_HOSTS", ""), production=production),
        # Behind TLS (a proxy in front sets X-Forwarded-Proto): cookies travel only over https,
        # browsers remember HSTS, plain http is redirected.
        "TLS": tls,
        **({"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")} if tls else {}),
        "SECURE_SSL_REDIRECT": tls,
        "SESSION_COOKIE_SECURE": tls,
        "CSRF_COOKIE_SECURE": tls,
        # Load balancers probe and Prometheus scrapes over plain http inside the cluster.
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^metrics$"],
        "SECURE_HSTS_SECONDS": env_int("SMARTCART_HSTS_SECONDS", 31536000 if tls else 0, minimum=0),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": tls,
        "SECURE_HSTS_PRELOAD": preload,
        # Joining the browsers' HSTS preload list is the domain owner's call, not a default.
        "SILENCED_SYSTEM_CHECKS": [] if preload else ["security.W021"],
        "AXES_FAILURE_LIMIT": AXES_FAILURE_LIMIT,
        "AXES_COOLOFF_TIME": AXES_COOLOFF_TIME,
        "AXES_LOCKOUT_PARAMETERS": AXES_LOCKOUT_PARAMETERS,
        "AXES_RESET_ON_SUCCESS": AXES_RESET_ON_SUCCESS,
    }

