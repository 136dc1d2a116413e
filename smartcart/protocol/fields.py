"""Small field readers used by every message parser: each raises ProtocolError naming the field.

Hand-written rather than a schema library because ingest validates thousands of messages a
second and the agents must stay small; the rules are few and docs/protocol.md lists them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from .errors import ProtocolError
from .topics import check_id

MAX_PAYLOAD = 64 * 1024


def load_json(payload: bytes | str | dict) -> dict:
    if isinstance(payload, dict):
        return payload
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError(f"payload is {len(payload)} bytes, over the {MAX_PAYLOAD} byte limit")
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"payload is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("payload must be a JSON object")
    return data


def need(data: dict, key: str, where: str = "") -> Any:
    try:
        return data[key]
    except KeyError:
        raise ProtocolError(f"missing field {where}{key}") from None


def number(data: dict, key: str, lo: float, hi: float, where: str = "") -> float:
    value = need(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProtocolError(f"field {where}{key} must be a number, got {value!r}")
    if not lo <= value <= hi:
        raise ProtocolError(f"field {where}{key}={value} is outside {lo}..{hi}")
    return float(value)


def integer(data: dict, key: str, lo: int, hi: int, where: str = "") -> int:
    value = need(data, key, where)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError(f"field {where}{key} must be an integer, got {value!r}")
    if not lo <= value <= hi:
        raise ProtocolError(f"field {where}{key}={value} is outside {lo}..{hi}")
    return value


def boolean(data: dict, key: str, where: str = "") -> bool:
    value = need(data, key, where)
    if not isinstance(value, bool):
        raise ProtocolError(f"field {where}{key} must be true or false, got {value!r}")
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


def one_of(data: dict, key: str, choices: tuple[str, ...], where: str = "") -> str:
    value = need(data, key, where)
    if value not in choices:
        raise ProtocolError(f"field {where}{key}={value!r} is not one of {', '.join(choices)}")
    return value


def mapping(data: dict, key: str, where: str = "") -> dict:
    value = need(data, key, where)
    if not isinstance(value, dict):
        raise ProtocolError(f"field {where}{key} must be an object")
    return value


def timestamp(data: dict, key: str = "ts") -> datetime:
    """RFC 3339 with a zone ("2026-11-22T10:00:00.123Z"); stored as aware UTC."""
    value = need(data, key)
    if not isinstance(value, str):
        raise ProtocolError(f"field {key} must be an RFC 3339 timestamp string, got {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ProtocolError(f"field {key}={value!r} is not an RFC 3339 timestamp") from None
    if parsed.tzinfo is None:
        raise ProtocolError(f"field {key}={value!r} has no time zone (end it with Z)")
    return parsed.astimezone(UTC)


def format_ts(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def now_ts() -> str:
    return format_ts(datetime.now(UTC))


def schema(data: dict, expected: str) -> None:
    value = need(data, "schema")
    if value != expected:
        raise ProtocolError(f"schema {value!r} is not {expected!r}")
