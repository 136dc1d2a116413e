"""A behavioural rack: its slots are whatever the shared store world says is docked in them,
and the charging current is what each docked cart's battery is drawing right now."""

from __future__ import annotations

from smartcart.agentkit.slots import FirmwareSlots
from smartcart.protocol import Health

from .base import RackHardware, SlotState


class SimulatedRack(RackHardware):
    def __init__(
        self,
        world,
        rack: str,
        *,
        firmware: str = "1.0.0",
        firmware_slots: FirmwareSlots | None = None,
    ) -> None:
        self.world, self.rack, self._firmware = world, rack, firmware
        self.fw_slots = firmware_slots

    def slot_count(self) -> int:
        return self.world.racks[self.rack]

    def slots(self) -> list[SlotState]:
        with self.world.lock:
            self.world.advance()
            return [self._slot(number) for number in range(1, self.slot_count() + 1)]

    def _slot(self, number: int) -> SlotState:
        place = (self.rack, number)
        powered = self.world.powered[place]
        device = self.world.slots[place]
        if device is None:
            return SlotState(number, None, 0.0, powered)
        cart = self.world.carts[device]
        physics = cart.physics
        return SlotState(
            number,
            device,
            round(max(physics.amps, 0.0), 2),
            powered,
            round(physics.soc, 1),
            physics.health().state,
            cart.firmware,
        )

    def set_slot_power(self, slot: int, *, on: bool) -> None:
        if not 1 <= slot <= self.slot_count():
            raise ValueError(
                f"slot {slot} does not exist: this rack has slots 1..{self.slot_count()}"
            )
        with self.world.lock:
            self.world.advance()
            self.world.powered[(self.rack, slot)] = on

    def health(self) -> Health:
        with self.world.lock:
            off = [
                n for n in range(1, self.slot_count() + 1) if not self.world.powered[(self.rack, n)]
            ]
        # A slot switched off is an operator's choice, but the rack charges fewer carts: degraded.
        return Health("degraded", ["SLOT_POWER_OFF"]) if off else Health()

    def firmware(self) -> str:
        return self.fw_slots.running_version() if self.fw_slots else self._firmware

    def firmware_slots(self) -> FirmwareSlots | None:
        return self.fw_slots

    def reboot(self) -> None:
        with self.world.lock:
            for n in range(1, self.slot_count() + 1):
                self.world.powered[(self.rack, n)] = True
