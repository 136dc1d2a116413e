"""The cart hardware interface. A driver per hardware generation implements it; the agent
only ever talks to this, so the simulator and real carts run the same agent code."""

from __future__ import annotations

from abc import ABC, abstractmethod

from smartcart.agentkit.slots import FirmwareSlots
from smartcart.protocol import Battery, Dock, Health


class CartHardware(ABC):
    @abstractmethod
    def battery(self) -> Battery:
        """State of charge (%), terminal voltage (V), pack temperature (°C), whether charging."""

    @abstractmethod
    def health(self) -> Health:
        """ok, or degraded/fault with the active fault codes (e.g. MOTOR_STALL)."""

    @abstractmethod
    def dock(self) -> Dock | None:
        """The rack and slot the cart sits in (read from the dock connector), None when out."""

    @abstractmethod
    def firmware(self) -> str:
        """The version of the firmware running now."""

    def firmware_slots(self) -> FirmwareSlots | None:
        """The A/B firmware slots OTA updates install into; None on a cart that has none
        (it refuses no command: it simply does not offer ota.install)."""
        return None

    @abstractmethod
    def locate(self, *, seconds: float) -> None:
        """Beep and flash for `seconds`, so staff can find the cart."""

    @abstractmethod
    def assist_light(self, *, on: bool) -> None:
        """Switch the light a shopper turns on to ask staff for help (staff may clear it)."""

    @abstractmethod
    def lock(self) -> None:
        """Lock the wheels: the cart cannot be taken out of its slot or pushed."""

    @abstractmethod
    def unlock(self) -> None:
        """Release the wheel lock."""

    @abstractmethod
    def maintenance_mode(self, *, on: bool) -> None:
        """In maintenance the cart refuses shoppers; staff are working on it."""

    @abstractmethod
    def reboot(self) -> None:
        """Restart the cart's computer; transient faults (e.g. a hung scanner) clear."""

    def help_presses(self) -> int:
        """How often the cart's help button was pressed since the last call (a driver counts
        presses as they happen and hands the count over here). 0 on carts without a button."""
        return 0

    @abstractmethod
    def show_message(self, *, text: str, seconds: float) -> None:
        """Show `text` on the cart's screen for `seconds` (e.g. "Please return me to rack 2")."""
