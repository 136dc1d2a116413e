"""What a rack says and does: which cart is in which slot and how much current each draws,
events when slot power changes, commands to switch a slot or restart the controller."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime

from smartcart.agentkit.commands import Handler, arg_bool, arg_int
from smartcart.agentkit.slots import FirmwareSlots
from smartcart.protocol import RackTelemetry, SlotReading

from .hal.base import RackHardware, SlotState


class RackAgent:
    def __init__(
        self, hal: RackHardware, *, device: str, on_reboot: Callable[[], None] = lambda: None
    ) -> None:
        self.hal, self.device, self.on_reboot = hal, device, on_reboot
        self.noticed: list[tuple[str, dict]] = []
        self.last_seen: list[SlotState] = []  # what the web page shows
        self.last_seen_at: datetime | None = None
        self.seen_lock = threading.Lock()
        self.page_url = ""  # announced in the status when the technician page is served

    def sample(self, *, boot_id: str, seq: int, ts: datetime) -> RackTelemetry:
        slots = self.hal.slots()
        with self.seen_lock:
            self.last_seen, self.last_seen_at = slots, ts
        readings = [SlotReading(s.slot, s.cart, s.charging_current) for s in slots]
        return RackTelemetry(
            device=self.device,
            boot_id=boot_id,
            seq=seq,
            ts=ts,
            slots=readings,
            health=self.hal.health(),
            firmware=self.hal.firmware(),
        )

    def seen(self) -> tuple[list[SlotState], datetime | None]:
        with self.seen_lock:
            return list(self.last_seen), self.last_seen_at

    def happenings(self) -> list[tuple[str, dict]]:
        noticed, self.noticed = self.noticed, []
        return noticed

    def firmware(self) -> str:
        return self.hal.firmware()

    def firmware_slots(self) -> FirmwareSlots | None:
        return self.hal.firmware_slots()

    def handlers(self) -> dict[str, Handler]:
        return {"slot_power": self.slot_power, "reboot": self.reboot}

    def slot_power(self, args: dict) -> dict:
        slot = arg_int(args, "slot", lo=1, hi=self.hal.slot_count())
        on = arg_bool(args, "on")
        self.hal.set_slot_power(slot, on=on)
        self.noticed.append(("slot_power", {"slot": slot, "on": on}))
        return {"slot": slot, "powered": on}

    def reboot(self, args: dict) -> dict:
        self.hal.reboot()
        self.on_reboot()
        return {"rebooted": True}
