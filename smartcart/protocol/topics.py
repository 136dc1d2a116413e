"""MQTT topic names: smartcart/{store}/{rack|cart}/{device}/{channel}."""

from __future__ import annotations

from typing import NamedTuple

from .errors import ProtocolError

ROOT = "smartcart"
KINDS = ("rack", "cart")
CHANNELS = ("telemetry", "status", "cmd", "ack", "event")
# Store and device ids travel in topics, so they must never hold MQTT wildcards or separators.
ID_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")


class Topic(NamedTuple):
    store: str
    kind: str
    device: str
    channel: str

    def __str__(self) -> str:
        return "/".join((ROOT, self.store, self.kind, self.device, self.channel))


def check_id(value: str, what: str) -> str:
    if not isinstance(value, str):
        # set() of a list or dict of one-letter items would pass the alphabet test below.
        raise ProtocolError(f"{what} must be a string, got {type(value).__name__}")
    if not value or len(value) > 64 or not set(value) <= ID_ALPHABET:
        shown = repr(value) if len(value) <= 80 else f"{value[:80]!r}... ({len(value)} characters)"
        raise ProtocolError(f"{what} {shown} must be 1-64 characters of letters, digits, - _ .")
    return value


def topic(store: str, kind: str, device: str, channel: str) -> str:
    if kind not in KINDS:
        raise ProtocolError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if channel not in CHANNELS:
        raise ProtocolError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    return str(Topic(check_id(store, "store"), kind, check_id(device, "device"), channel))


def parse_topic(name: str) -> Topic:
    parts = name.split("/")
    if len(parts) != 5 or parts[0] != ROOT:
        shown = name if len(name) <= 120 else f"{name[:120]}..."
        raise ProtocolError(f"topic {shown!r} is not smartcart/{{store}}/{{kind}}/{{device}}/{{channel}}")
    _, store, kind, device, channel = parts
    if kind not in KINDS:
        raise ProtocolError(f"topic {name[:120]!r}: kind {kind[:64]!r} is not one of {', '.join(KINDS)}")
    if channel not in CHANNELS:
        raise ProtocolError(f"topic {name[:120]!r}: channel {channel[:64]!r} is not one of {', '.join(CHANNELS)}")
    return Topic(check_id(store, "store"), kind, check_id(device, "device"), channel)


def store_filter(store: str, channel: str = "+") -> str:
    """Subscription filter for every device of a store on one channel (or all with '+')."""
    return f"{ROOT}/{check_id(store, 'store')}/+/+/{channel}"
