"""What a cart says and does: telemetry from its hardware, events when faults or the dock
change or a shopper presses the help button, and the hardware commands staff may send.
Firmware updates (ota.install) come from the runner, for hardware with firmware slots."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from smartcart.agentkit.commands import Handler, arg_bool, arg_number, arg_text
from smartcart.agentkit.slots import FirmwareSlots
from smartcart.protocol import CartTelemetry, Dock

from .hal.base import CartHardware


class CartAgent:
    def __init__(
        self, hal: CartHardware, *, device: str, on_reboot: Callable[[], None] = lambda: None
    ) -> None:
        self.hal, self.device, self.on_reboot = hal, device, on_reboot
        self.seen_faults: set[str] = set()
        self.seen_dock: Dock | None = None
        self.first = True
        self.noticed: list[tuple[str, dict]] = []

    def sample(self, *, boot_id: str, seq: int, ts: datetime) -> CartTelemetry:
        health, dock = self.hal.health(), self.hal.dock()
        self._notice(set(health.faults), dock)
        # One event per press: each becomes its own help request in the store.
        self.noticed += [("help_requested", {})] * self.hal.help_presses()
        return CartTelemetry(
            device=self.device,
            boot_id=boot_id,
            seq=seq,
            ts=ts,
            battery=self.hal.battery(),
            health=health,
            dock=dock,
            firmware=self.hal.firmware(),
        )

    def _notice(self, faults: set[str], dock: Dock | None) -> None:
        if not self.first:
            self.noticed += [
                ("fault_raised", {"code": c}) for c in sorted(faults - self.seen_faults)
            ]
            self.noticed += [
                ("fault_cleared", {"code": c}) for c in sorted(self.seen_faults - faults)
            ]
            if dock != self.seen_dock:
                self.noticed.append(self._dock_event(dock))
        self.first, self.seen_faults, self.seen_dock = False, faults, dock

    def _dock_event(self, dock: Dock | None) -> tuple[str, dict]:
        if dock is None:
            return ("undocked", {"rack": self.seen_dock.rack, "slot": self.seen_dock.slot})
        return ("docked", {"rack": dock.rack, "slot": dock.slot})

    def happenings(self) -> list[tuple[str, dict]]:
        noticed, self.noticed = self.noticed, []
        return noticed

    def firmware(self) -> str:
        return self.hal.firmware()

    def firmware_slots(self) -> FirmwareSlots | None:
        return self.hal.firmware_slots()

    def handlers(self) -> dict[str, Handler]:
        return {
            "locate": self.locate,
            "assist_light": self.assist_light,
            "lock": self.lock,
            "unlock": self.unlock,
            "maintenance": self.maintenance,
            "reboot": self.reboot,
            "display_message": self.display_message,
        }

    def locate(self, args: dict) -> dict:
        seconds = arg_number(args, "seconds", default=10, lo=1, hi=300)
        self.hal.locate(seconds=seconds)
        return {"beeping_seconds": seconds}

    def assist_light(self, args: dict) -> dict:
        on = arg_bool(args, "on")
        self.hal.assist_light(on=on)
        return {"assist_light": on}

    def lock(self, args: dict) -> dict:
        self.hal.lock()
        return {"locked": True}

    def unlock(self, args: dict) -> dict:
        self.hal.unlock()
        return {"locked": False}

    def maintenance(self, args: dict) -> dict:
        on = arg_bool(args, "on")
        self.hal.maintenance_mode(on=on)
        return {"maintenance": on}

    def reboot(self, args: dict) -> dict:
        self.hal.reboot()
        self.on_reboot()
        return {"rebooted": True}

    def display_message(self, args: dict) -> dict:
        text = arg_text(args, "text", max_len=200)
        seconds = arg_number(args, "seconds", default=10, lo=1, hi=300)
        self.hal.show_message(text=text, seconds=seconds)
        return {"displayed": text, "seconds": seconds}
