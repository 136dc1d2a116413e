"""One line per log record, each with the store and the device it is about (docs/operations.md,
"Metrics and logs"): `store=` and `device=` are fields a log search can filter on.

Where they come from, first found wins: the record's own `extra={"store": ..., "device": ...}`;
the context a caller bound (`bound(store=...)`: the cloud's tunnel consumer binds the store it
serves for the life of the connection); the message itself (`store=s1`, `device=`/`cart=`/
`rack=` fields our log calls already write, or an MQTT topic smartcart/<store>/<kind>/<device>/);
else the tier's own store (on-prem: SMARTCART_STORE_ID) or `-`.

No Django here: the settings of both tiers configure it through logging.dictConfig.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

STORE: ContextVar[str] = ContextVar("smartcart_log_store", default="")
DEVICE: ContextVar[str] = ContextVar("smartcart_log_device", default="")

TOPIC = re.compile(r"smartcart/([\w.:-]+)/(?:cart|rack)/([\w.:-]+)")
STORE_FIELD = re.compile(r"\bstore=['\"]?([\w.:-]+)")
DEVICE_FIELD = re.compile(r"\b(?:device|cart|rack)=['\"]?([\w.:-]+)")
FORMATS = ("logfmt", "json")


def bind(*, store: str | None = None, device: str | None = None) -> None:
    """Tag every later record of this task or thread (an asyncio task copies it to its children)."""
    if store is not None:
        STORE.set(store)
    if device is not None:
        DEVICE.set(device)


@contextmanager
def bound(*, store: str | None = None, device: str | None = None) -> Iterator[None]:
    """Tag the records logged inside the block."""
    tokens = [(var, var.set(value)) for var, value in ((STORE, store), (DEVICE, device)) if value is not None]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


class ContextFilter(logging.Filter):
    """Sets record.store and record.device (never drops a record)."""

    def __init__(self, store: str = "") -> None:
        super().__init__()
        self.default_store = store

    def filter(self, record: logging.LogRecord) -> bool:
        store = getattr(record, "store", "") or STORE.get()
        device = getattr(record, "device", "") or DEVICE.get()
        if not (store and device):
            text = message_of(record)
            topic = TOPIC.search(text)
            store = store or first(STORE_FIELD, text) or (topic.group(1) if topic else "")
            device = device or first(DEVICE_FIELD, text) or (topic.group(2) if topic else "")
        record.store = str(store or self.default_store or "-")
        record.device = str(device or "-")
        return True


def message_of(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # noqa: BLE001 - bad args: logging reports it itself when it formats
        return str(record.msg)


def first(pattern: re.Pattern, text: str) -> str:
    found = pattern.search(text)
    return found.group(1) if found else ""


def logfmt_value(value: object) -> str:
    text = str(value)
    if text and not re.search(r'[\s"=\\]', text):
        return text
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict:
    at = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
    line = {
        "at": at.replace("+00:00", "Z"),
        "level": record.levelname,
        "logger": record.name,
        "store": getattr(record, "store", "-"),
        "device": getattr(record, "device", "-"),
        "msg": message_of(record),
    }
    if record.exc_info:
        line["exc"] = formatter.formatException(record.exc_info)
    elif record.exc_text:
        line["exc"] = record.exc_text
    return line


class LogfmtFormatter(logging.Formatter):
    """`at=... level=INFO logger=... store=s1 device=cart-001 msg="..."`: one line, always
    (a traceback's newlines are escaped inside exc="...")."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{key}={logfmt_value(value)}" for key, value in fields(record, self).items())


class JsonFormatter(logging.Formatter):
    """One JSON object per line, the same keys as logfmt (SMARTCART_LOG_FORMAT=json)."""

    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(fields(record, self), ensure_ascii=False, default=str)
