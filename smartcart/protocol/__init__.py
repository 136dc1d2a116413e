"""The wire contract between agents and the on-prem tier (docs/protocol.md). No Django here."""

from .errors import ProtocolError
from .fields import format_ts, now_ts
from .messages import (
    ACK_STATES,
    HEALTH_STATES,
    TELEMETRY_BY_KIND,
    Ack,
    Battery,
    CartTelemetry,
    Command,
    Dock,
    Event,
    Health,
    RackTelemetry,
    SlotReading,
    Status,
)
from .topics import CHANNELS, KINDS, Topic, parse_topic, store_filter, topic

# QoS per channel: telemetry, acks and events must arrive (QoS 1, deduplicated by the server),
# status is retained so a subscriber learns who is online the moment it connects.
QOS = {"telemetry": 1, "status": 1, "cmd": 1, "ack": 1, "event": 1}
RETAINED = {"status"}

__all__ = [
    "ACK_STATES", "CHANNELS", "HEALTH_STATES", "KINDS", "QOS", "RETAINED", "TELEMETRY_BY_KIND",
    "Ack", "Battery", "CartTelemetry", "Command", "Dock", "Event", "Health", "ProtocolError",
    "RackTelemetry", "SlotReading", "Status", "Topic", "format_ts", "now_ts", "parse_topic",
    "store_filter", "topic",
]
