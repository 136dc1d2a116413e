"""The rack hardware interface: slot sensors, the dock connector's view of each cart, and the
slot chargers. The agent only talks to this, so simulated and real racks run the same code."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from smartcart.agentkit.slots import FirmwareSlots
from smartcart.protocol import Health


@dataclass(frozen=True, slots=True)
class SlotState:
    slot: int
    cart: str | None  # device id read over the dock connector, None when empty
    charging_current: float  # amperes flowing into the cart
    powered: bool
    cart_soc: float | None = None  # what the docked cart's battery reports through the connector
    cart_health: str | None = None
    cart_firmware: str | None = None  # the docked cart's running firmware, as it tells the dock


class RackHardware(ABC):
    @abstractmethod
    def slot_count(self) -> int:
        """How many slots the rack has (numbered from 1)."""

    @abstractmethod
    def slots(self) -> list[SlotState]:
        """Every slot, in order: which cart sits there and what the charger delivers."""

    @abstractmethod
    def set_slot_power(self, slot: int, *, on: bool) -> None:
        """Switch one slot's charger on or off (e.g. to isolate a cart that overheats)."""

    @abstractmethod
    def health(self) -> Health:
        """The rack's own health (chargers, sensors), not its carts'."""

    @abstractmethod
    def firmware(self) -> str:
        """The version of the rack controller's firmware."""

    def firmware_slots(self) -> FirmwareSlots | None:
        """The controller's A/B firmware slots OTA updates install into; None: no OTA."""
        return None

    @abstractmethod
    def reboot(self) -> None:
        """Restart the rack controller; slot power returns to on."""
