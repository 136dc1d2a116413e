"""The versioned JSON messages of docs/protocol.md: built by agents, validated by the server.

Every class has `to_dict()` (what goes on the wire) and `parse(payload)` (bytes or dict in,
object out, ProtocolError with the broken rule otherwise). Agents and ingest share them, so
what an agent sends is, by construction and by the contract tests, what the server accepts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from . import fields as f
from .errors import ProtocolError
from .topics import ID_ALPHABET

HEALTH_STATES = ("ok", "degraded", "fault")
STATUS_STATES = ("online", "offline")
ACK_STATES = ("accepted", "rejected", "done", "failed")
MAX_SEQ = 2**53  # JSON-safe integer range
MAX_SLOTS = 64


@dataclass(slots=True)
class Health:
    state: str = "ok"
    faults: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, data: dict) -> Health:
        state = f.one_of(data, "state", HEALTH_STATES, "health.")
        faults = data.get("faults", [])
        if not isinstance(faults, list) or not all(isinstance(c, str) and 0 < len(c) <= 32 and set(c) <= ID_ALPHABET
                                                   for c in faults):
            raise ProtocolError("field health.faults must be a list of fault codes (letters, digits, - _ .)")
        if state == "ok" and faults:
            raise ProtocolError("field health.state is ok but health.faults is not empty")
        return cls(state, faults)


@dataclass(slots=True)
class Battery:
    soc: float  # state of charge, percent
    voltage: float
    temperature: float  # degrees Celsius
    charging: bool

    @classmethod
    def parse(cls, data: dict) -> Battery:
        return cls(
            soc=f.number(data, "soc", 0, 100, "battery."),
            voltage=f.number(data, "voltage", 0, 100, "battery."),
            temperature=f.number(data, "temperature", -40, 120, "battery."),
            charging=f.boolean(data, "charging", "battery."),
        )


@dataclass(slots=True)
class Dock:
    rack: str
    slot: int

    @classmethod
    def parse(cls, data: Any) -> Dock | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ProtocolError("field dock must be an object {rack, slot} or null")
        return cls(rack=f.ident(data, "rack", "dock."), slot=f.integer(data, "slot", 1, MAX_SLOTS, "dock."))


@dataclass(slots=True)
class Envelope:
    """Fields every telemetry and event message carries; (device, boot_id, seq) is unique."""

    device: str
    boot_id: str
    seq: int
    ts: datetime

    @staticmethod
    def read(data: dict, expected_schema: str) -> dict:
        f.schema(data, expected_schema)
        return {
            "device": f.ident(data, "device"),
            "boot_id": f.ident(data, "boot_id"),
            "seq": f.integer(data, "seq", 0, MAX_SEQ),
            "ts": f.timestamp(data),
        }

    def envelope_dict(self, schema: str) -> dict:
        return {"schema": schema, "device": self.device, "boot_id": self.boot_id, "seq": self.seq,
                "ts": f.format_ts(self.ts)}


@dataclass(slots=True)
class CartTelemetry(Envelope):
    SCHEMA = "cart.telemetry/1"
    battery: Battery = None  # type: ignore[assignment]
    health: Health = field(default_factory=Health)
    dock: Dock | None = None
    firmware: str = ""

    @classmethod
    def parse(cls, payload: bytes | str | dict) -> CartTelemetry:
        data = f.load_json(payload)
        return cls(
            **Envelope.read(data, cls.SCHEMA),
            battery=Battery.parse(f.mapping(data, "battery")),
            health=Health.parse(f.mapping(data, "health")),
            dock=Dock.parse(f.need(data, "dock")),
            firmware=f.version(data),
        )

    def to_dict(self) -> dict:
        return {
            **self.envelope_dict(self.SCHEMA),
            "battery": asdict(self.battery),
            "health": asdict(self.health),
            "dock": asdict(self.dock) if self.dock else None,
            "firmware": self.firmware,
        }


@dataclass(slots=True)
class SlotReading:
    slot: int
    cart: str | None
    charging_current: float  # amperes

    @classmethod
    def parse(cls, data: Any, index: int) -> SlotReading:
        where = f"slots[{index}]."
        if not isinstance(data, dict):
            raise ProtocolError(f"field {where[:-1]} must be an object")
        cart = f.need(data, "cart", where)
        if cart is not None:
            cart = f.ident(data, "cart", where)
        return cls(
            slot=f.integer(data, "slot", 1, MAX_SLOTS, where),
            cart=cart,
            charging_current=f.number(data, "charging_current", 0, 100, where),
        )


@dataclass(slots=True)
class RackTelemetry(Envelope):
    SCHEMA = "rack.telemetry/1"
    slots: list[SlotReading] = field(default_factory=list)
    health: Health = field(default_factory=Health)
    firmware: str = ""

    @classmethod
    def parse(cls, payload: bytes | str | dict) -> RackTelemetry:
        data = f.load_json(payload)
        raw_slots = f.need(data, "slots")
        if not isinstance(raw_slots, list) or not 0 < len(raw_slots) <= MAX_SLOTS:
            raise ProtocolError(f"field slots must be a list of 1..{MAX_SLOTS} slot readings")
        slots = [SlotReading.parse(item, i) for i, item in enumerate(raw_slots)]
        numbers = [s.slot for s in slots]
        if len(set(numbers)) != len(numbers):
            raise ProtocolError("field slots lists the same slot number twice")
        docked = [s.cart for s in slots if s.cart]
        if len(set(docked)) != len(docked):
            raise ProtocolError("field slots puts the same cart in two slots")
        return cls(
            **Envelope.read(data, cls.SCHEMA),
            slots=slots,
            health=Health.parse(f.mapping(data, "health")),
            firmware=f.version(data),
        )

    def to_dict(self) -> dict:
        return {
            **self.envelope_dict(self.SCHEMA),
            "slots": [asdict(s) for s in self.slots],
            "health": asdict(self.health),
            "firmware": self.firmware,
        }


@dataclass(slots=True)
class Status:
    """Retained on .../status; the same shape with state=offline is the Last Will."""

    SCHEMA = "status/1"
    device: str
    state: str
    boot_id: str
    firmware: str = ""
    page_url: str = ""  # a rack's technician page, which the cloud reaches through the store

    @classmethod
    def parse(cls, payload: bytes | str | dict) -> Status:
        data = f.load_json(payload)
        f.schema(data, cls.SCHEMA)
        return cls(
            device=f.ident(data, "device"),
            state=f.one_of(data, "state", STATUS_STATES),
            boot_id=f.ident(data, "boot_id"),
            # Optional (a Last Will may not know it), but checked like telemetry's when present.
            firmware=f.version(data) if data.get("firmware") not in (None, "") else "",
            page_url=f.page_url(data),
        )

    def to_dict(self) -> dict:
        status = {"schema": self.SCHEMA, "device": self.device, "state": self.state,
                  "boot_id": self.boot_id, "firmware": self.firmware}
        if self.page_url:
            status["page_url"] = self.page_url
        return status


@dataclass(slots=True)
class Command:
    """Sent on .../cmd; `id` makes it idempotent: an agent never runs the same id twice."""

    SCHEMA = "cmd/1"
    id: str
    command: str
    args: dict = field(default_factory=dict)
    ts: str = field(default_factory=f.now_ts)

    @classmethod
    def parse(cls, payload: bytes | str | dict) -> Command:
        data = f.load_json(payload)
        f.schema(data, cls.SCHEMA)
        args = data.get("args", {})
        if not isinstance(args, dict):
            raise ProtocolError("field args must be an object")
        f.timestamp(data)
        return cls(id=f.ident(data, "id"), command=f.ident(data, "command"), args=args, ts=data["ts"])

    def to_dict(self) -> dict:
        return {"schema": self.SCHEMA, "id": self.id, "command": self.command, "args": self.args, "ts": self.ts}


@dataclass(slots=True)
class Ack:
    SCHEMA = "ack/1"
    id: str
    device: str
    state: str
    result: dict = field(default_factory=dict)
    ts: str = field(default_factory=f.now_ts)

    @classmethod
    def parse(cls, payload: bytes | str | dict) -> Ack:
        data = f.load_json(payload)
        f.schema(data, cls.SCHEMA)
        result = data.get("result") or {}
        if not isinstance(result, dict):
            raise ProtocolError("field result must be an object")
        f.timestamp(data)
        return cls(id=f.ident(data, "id"), device=f.ident(data, "device"),
                   state=f.one_of(data, "state", ACK_STATES), result=result, ts=data["ts"])

    def to_dict(self) -> dict:
        return {"schema": self.SCHEMA, "id": self.id, "device": self.device, "state": self.state,
                "result": self.result, "ts": self.ts}


@dataclass(slots=True)
class Event(Envelope):
    """Something that happened once (fault raised, cart undocked, update installed)."""

    SCHEMA = "event/1"
    event: str = ""
    data: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, payload: bytes | str | dict) -> Event:
        data = f.load_json(payload)
        body = data.get("data", {})
        if not isinstance(body, dict):
            raise ProtocolError("field data must be an object")
        return cls(**Envelope.read(data, cls.SCHEMA), event=f.ident(data, "event"), data=body)

    def to_dict(self) -> dict:
        return {**self.envelope_dict(self.SCHEMA), "event": self.event, "data": self.data}


TELEMETRY_BY_KIND = {"cart": CartTelemetry, "rack": RackTelemetry}
