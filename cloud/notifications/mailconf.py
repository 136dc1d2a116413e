"""Which mail backend the cloud sends incident email through, from SMARTCART_EMAIL_* variables.

No Django import: cloud/settings.py calls `email_settings()` while settings load.

- SMARTCART_EMAIL_URL=smtp://user:pass@host:587 (STARTTLS) or smtps://user:pass@host:465
  (TLS from the first byte); the password may also come from SMARTCART_EMAIL_PASSWORD(_FILE).
- SMARTCART_EMAIL_BACKEND=smtp|file|console|locmem or a dotted backend path; default: smtp
  when a URL is set, else file (one .log file per message under <VAR_DIR>/mail), so the demo
  and a fresh checkout never try to reach a mail server.
- SMARTCART_EMAIL_FROM: the From address (default smartcart@localhost).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from smartcart.envconf import ConfigError, env_int, env_secret, env_str, env_url

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def email_settings(var_dir: Path) -> dict:
    """EMAIL_* settings for Django, with a sentence naming the variable when one is wrong."""
    url = env_url("SMARTCART_EMAIL_URL", ("smtp", "smtps"))
    chosen = env_str("SMARTCART_EMAIL_BACKEND", "smtp" if url else "file").strip()
    backend = BACKENDS.get(chosen, chosen)
    if "." not in backend:
        raise ConfigError(
            f"SMARTCART_EMAIL_BACKEND={chosen!r} is not one of {', '.join(BACKENDS)} "
            "nor a dotted backend path"
        )
    result = {
        "EMAIL_BACKEND": backend,
        "DEFAULT_FROM_EMAIL": env_str("SMARTCART_EMAIL_FROM", "smartcart@localhost"),
        "EMAIL_FILE_PATH": str(var_dir / "mail"),
        # An SMTP server that does not answer must not hold a delivery thread for minutes.
        "EMAIL_TIMEOUT": env_int("SMARTCART_EMAIL_TIMEOUT_SECONDS", 10, minimum=1),
    }
    if backend == BACKENDS["smtp"]:
        result.update(smtp_settings(url))
    return result


def smtp_settings(url: str | None) -> dict:
    if not url:
        raise ConfigError("SMARTCART_EMAIL_BACKEND=smtp needs SMARTCART_EMAIL_URL=smtp://host:port")
    parts = urlsplit(url)
    ssl = parts.scheme == "smtps"
    return {
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or (465 if ssl else 587),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": env_secret(
            "SMARTCART_EMAIL_PASSWORD", unquote(parts.password or "")
        ),
        "EMAIL_USE_SSL": ssl,
        "EMAIL_USE_TLS": not ssl and (parts.port or 587) != 25,
    }
