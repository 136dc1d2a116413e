"""Small field readers used by every message parser: each raises ProtocolError naming the field.

Hand-written rather than a schema library because ingest validates thousands of messages a
second and the agents must stay small; the rules are few and docs/protocol.md lists them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from smartcart import strictjson

from .errors import ProtocolError
from .topics import check_id

MAX_PAYLOAD = 64 * 1024
# No message of the contract nests deeper than 4; 32 leaves room and stops a 60 KB document of
# 30,000 brackets long before the parser recurses.
MAX_DEPTH = 32


def load_json(payload: bytes | str | dict) -> dict:
    """A JSON object from UTF-8 text, as docs/protocol.md says: no BOM, no other encoding, no
    lone surrogate, at most MAX_PAYLOAD bytes and MAX_DEPTH levels. ProtocolError otherwise."""
    if isinstance(payload, dict):
        return payload
    text = utf8_text(payload)
    if strictjson.nests_deeper_than(text, MAX_DEPTH):
        raise ProtocolError(f"payload nests deeper than {MAX_DEPTH} levels")
    try:
        data = strictjson.loads(text)
    except ValueError as exc:
        raise ProtocolError(f"payload is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("payload must be a JSON object")
    if strictjson.holds_lone_surrogate(text, data):
        raise ProtocolError("payload holds a lone UTF-16 surrogate escape (\\ud800-\\udfff)")
    return data


def utf8_text(payload: bytes | str) -> str:
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogatepass")
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError(f"payload is {len(payload)} bytes, over the {MAX_PAYLOAD} byte limit")
    if b"\x00" in payload:
        # JSON text never holds a raw NUL; UTF-16 text is full of them.
        raise ProtocolError("payload is not UTF-8 text: it holds NUL bytes (UTF-16 is not accepted)")
    if payload.startswith(b"\xef\xbb\xbf"):
        raise ProtocolError("payload starts with a byte order mark: send UTF-8 JSON without one")
    try:
        # Strict UTF-8: also refuses other encodings and encoded surrogates.
        return payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"payload is not UTF-8 text: {exc.reason} at byte {exc.start}") from None


def need(data: dict, key: str, where: str = "") -> Any:
    try:
        return data[key]
    except KeyError:
        raise ProtocolError(f"missing field {where}{key}") from None


def number(data: dict, key: str, lo: float, hi: float, where: str = "") -> float:
    value = need(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"field {where}{key} must be a number, got {short(value)}")
    if not lo <= value <= hi:
        raise ProtocolError(f"field {where}{key}={value} is outside {lo}..{hi}")
    return float(value)


def integer(data: dict, key: str, lo: int, hi: int, where: str = "") -> int:
    value = need(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"field {where}{key} must be an integer, got {short(value)}")
    if not lo <= value <= hi:
        raise ProtocolError(f"field {where}{key}={value} is outside {lo}..{hi}")
    return value


def boolean(data: dict, key: str, where: str = "") -> bool:
    value = need(data, key, where)
    if not isinstance(value, bool):
        raise ProtocolError(f"field {where}{key} must be true or false, got {short(value)}")
    return value


def text(data: dict, key: str, max_len: int = 64, where: str = "") -> str:
    value = need(data, key, where)
    if not isinstance(value, str) or not value or len(value) > max_len:
        raise ProtocolError(f"field {where}{key} must be a non-empty string of at most {max_len} characters")
    return value


def ident(data: dict, key: str, where: str = "") -> str:
    return check_id(text(data, key, 64, where), f"field {where}{key}")


VERSION_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.+")


def version(data: dict, key: str = "firmware") -> str:
    """A firmware version such as 1.4.2 or 2.0.0-rc.1+build.7 (at most 32 characters)."""
    value = text(data, key, 32)
    if not set(value) <= VERSION_ALPHABET:
        raise ProtocolError(f"field {key}={value!r} may hold only letters, digits and - _ . +")
    return value


PAGE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?")


def page_url(data: dict, key: str = "page_url") -> str:
    """An optional http(s) URL of a device's own web page: host, port and path, nothing else
    (no credentials, query or fragment), so the store's proxy can use it as is."""
    value = data.get(key)
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or len(value) > 200 or not PAGE_URL.fullmatch(value):
        raise ProtocolError(f"field {key} must be an http(s) URL of host, port and path (at most 200 characters), got {short(value)}")
    return value


def one_of(data: dict, key: str, choices: tuple[str, ...], where: str = "") -> str:
    value = need(data, key, where)
    if value not in choices:
        raise ProtocolError(f"field {where}{key}={short(value)} is not one of {', '.join(choices)}")
    return value


def mapping(data: dict, key: str, where: str = "") -> dict:
    value = need(data, key, where)
    if not isinstance(value, dict):
        raise ProtocolError(f"field {where}{key} must be an object")
    return value


RFC3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)")
EARLIEST_YEAR, LATEST_YEAR = 2000, 9998


def timestamp(data: dict, key: str = "ts") -> datetime:
    """RFC 3339 with a zone ("2026-11-22T10:00:00.123Z"); stored as aware UTC.

    Years 2000-9998 only: earlier means a device clock that was never set, and the bound keeps
    the conversion to UTC inside what datetime (and the database) can hold."""
    value = need(data, key)
    if not isinstance(value, str):
        raise ProtocolError(f"field {key} must be an RFC 3339 timestamp string, got {short(value)}")
    if not RFC3339.fullmatch(value):
        raise ProtocolError(f"field {key}={short(value)} is not an RFC 3339 timestamp (2026-11-22T10:00:00.123Z)")
    try:
        parsed = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        if not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
            raise ValueError
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        raise ProtocolError(
            f"field {key}={value!r} is not a time between {EARLIEST_YEAR} and {LATEST_YEAR}") from None


def short(value: Any, limit: int = 80) -> str:
    """repr() of a value for an error message, cut so a huge value never bloats a reason."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_ts() -> str:
    return format_ts(datetime.now(UTC))


def schema(data: dict, expected: str) -> None:
    value = need(data, "schema")
    if value != expected:
        raise ProtocolError(f"schema {short(value)} is not {expected!r}")
