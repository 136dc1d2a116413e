"""Settings and log text with their secrets taken out, for what leaves the store (support bundles).

Three nets, because one alone misses something: a key that names a secret hides its value
(SECRET_KEY, DATABASES.default.PASSWORD, ERP_TOKEN...), a URL's password is cut from any
string (mysql://user:***@host), and the value of every known secret is replaced wherever it
appears, under any key or inside a log line. Bearer tokens in text are cut too.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from django.conf import settings

HIDDEN = "***"
SECRET_KEY_NAME = re.compile(
    r"SECRET|PASSWORD$|PASSWD|_TOKEN$|^TOKEN$|_KEY$|^KEY$|CREDENTIAL|PRIVATE", re.I
)
URL_PASSWORD = re.compile(r"(?P<head>://[^:/@\s]{0,200}:)[^@\s]{0,200}(?P<at>@)", re.I)
BEARER = re.compile(r"(?P<head>Bearer\s+)[A-Za-z0-9._~+/=-]{8,}", re.I)
# Settings that hold no secret but whose names look like one.
NOT_SECRET = {
    "AUTH_PASSWORD_VALIDATORS",
    "PASSWORD_HASHERS",
    "PASSWORD_RESET_TIMEOUT",
    "SECRET_KEY_FALLBACKS_COUNT",
}
MIN_SECRET_CHARS = 6  # shorter "secrets" (a demo's "test") would blank out ordinary words


def known_secrets() -> list[str]:
    """The values of every setting (at any depth) whose key names a secret."""
    found: list[str] = []
    collect(settings_dict(), found)
    return sorted({s for s in found if len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)


def collect(value: object, found: list[str], secret: bool = False) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            collect(item, found, secret or is_secret_key(key))
    elif isinstance(value, list | tuple):
        for item in value:
            collect(item, found, secret)
    elif secret and isinstance(value, str):
        found.append(value)


def is_secret_key(key: object) -> bool:
    return isinstance(key, str) and key not in NOT_SECRET and bool(SECRET_KEY_NAME.search(key))


def settings_dict() -> dict:
    return {name: getattr(settings, name) for name in dir(settings) if name.isupper()}


def redacted_settings() -> dict:
    """Every setting, JSON-able, with secrets hidden: for a support bundle."""
    secrets = known_secrets()
    return {
        name: redact(value, secrets, secret=is_secret_key(name))
        for name, value in sorted(settings_dict().items())
    }


def redact(value: object, secrets: list[str], *, secret: bool = False) -> object:
    """`value` made JSON-able; under a secret key every text is hidden (numbers stay: a token's
    lifetime is no secret)."""
    if isinstance(value, dict):
        return {
            str(k): redact(v, secrets, secret=secret or is_secret_key(k)) for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [redact(item, secrets, secret=secret) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    if secret:
        return HIDDEN
    return scrub(str(value) if isinstance(value, str | PurePath) else repr(value), secrets)


def scrub(text: str, secrets: list[str]) -> str:
    """`text` without URL passwords, bearer tokens, or any of `secrets`."""
    text = URL_PASSWORD.sub(rf"\g<head>{HIDDEN}\g<at>", text)
    text = BEARER.sub(rf"\g<head>{HIDDEN}", text)
    for secret in secrets:
        text = text.replace(secret, HIDDEN)
    return text
