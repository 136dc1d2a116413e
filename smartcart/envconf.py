"""Reading SMARTCART_* variables: working defaults, and a sentence when a value is wrong.

Both Django tiers and the agents use these helpers, so a bad value fails the same way
everywhere: at start, naming the variable and what is wrong with it.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


class ConfigError(RuntimeError):
    """A SMARTCART_* variable holds a value the process cannot start with."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_secret(name: str, default: str = "") -> str:
    """A secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={path!r} cannot be read: {exc.strerror}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use true/false, yes/no, on/off or 1/0")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} is too small: it must be at least {minimum}")
    return value


def env_url(name: str, schemes: tuple[str, ...]) -> str | None:
    """A URL whose scheme is one of `schemes` and which names a host, or None when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in schemes:
        wanted = " or ".join(f"{s}://" for s in schemes)
        raise ConfigError(f"{name}={raw!r} must start with {wanted}")
    if parts.scheme != "sqlite" and not parts.hostname:
        raise ConfigError(f"{name}={raw!r} names no host")
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric port
    except ValueError:
        raise ConfigError(f"{name}={raw!r} has a port that is not a number") from None
    return raw


def database_settings(url: str | None, *, sqlite_path: Path) -> dict:
    """Django DATABASES['default'] for SMARTCART_DB_URL, or SQLite in WAL mode when unset."""
    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            # A file, not memory: end-to-end tests start ingest and servers as subprocesses.
            # One per test run (pid), so two runs on one machine never share it.
            "TEST": {"NAME": str(sqlite_path.with_name(f"test-{os.getpid()}-{sqlite_path.name}"))},
            # WAL lets ingest write while the API reads; IMMEDIATE avoids upgrade deadlocks.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {**database_settings(None, sqlite_path=Path(parts.path)), "NAME": parts.path}
    name = parts.path.lstrip("/")
    if not name:
        raise ConfigError(f"SMARTCART_DB_URL={url!r} names no database (mysql://user@host/NAME)")
    return {
        "ENGINE": "django.db.backends.mysql",
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": str(parts.port or 3306),
        "CONN_MAX_AGE": 60,
        "OPTIONS": {"charset": "utf8mb4", "isolation_level": "read committed"},
        # One test database per run (pid), as for SQLite: two suites on one server never collide.
        "TEST": {"NAME": f"test_{name}_{os.getpid()}", "CHARSET": "utf8mb4", "COLLATION": "utf8mb4_unicode_ci"},
    }


def redis_settings(url: str | None) -> dict:
    """CHANNEL_LAYERS, CACHES and Celery settings for SMARTCART_REDIS_URL, in-memory when unset."""
    if url is None:
        return {
            "CHANNEL_LAYERS": {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}},
            "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            # No broker: tasks run in the caller, which is what the demo and unit tests want.
            "CELERY_BROKER_URL": "memory://",
            "CELERY_TASK_ALWAYS_EAGER": True,
        }
    return {
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                # A consumer waits on the layer with a 5 s blocking pop; redis-py 8's default
                # 5 s socket timeout fired first and killed every idle tunnel consumer.
                "CONFIG": {
                    "hosts": [{"address": url, "socket_timeout": 30}],
                    # All consumers of one process share one Redis list for their messages:
                    # with the default 100, a command to 1,000 stores filled it and a third
                    # waited for the sweep (docs/benchmarks.md, "Tunnels").
                    "capacity": 5000,
                },
            }
        },
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}},
        "CELERY_BROKER_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": False,
    }


def mqtt_settings(url: str | None, *, default: str) -> dict:
    """Host, port, TLS, credentials and protocol of SMARTCART_MQTT_URL (or the embedded broker).

    `?protocol=3` selects MQTT 3.1.1 (the embedded amqtt broker speaks only that); the default
    is MQTT 5, whose Receive Maximum lets ingest hold many un-acked messages in flight.
    """
    parts = urlsplit(url or default)
    query = dict(pair.split("=", 1) for pair in parts.query.split("&") if "=" in pair)
    protocol = query.get("protocol", "5")
    if protocol not in ("3", "5"):
        raise ConfigError(f"SMARTCART_MQTT_URL protocol={protocol!r} must be 3 (MQTT 3.1.1) or 5")
    return {
        "protocol": int(protocol),
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or (8883 if parts.scheme == "mqtts" else 1883),
        "tls": parts.scheme == "mqtts",
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
    }
