"""A behavioural cart: a 12 V LiFePO4 pack that drains while shopping and charges in a
powered slot, warms under load and while charging, and faults that come and go.

`CartPhysics` is the cart's body; `SimulatedCart` is the CartHardware driver that reads it
from a shared store world (simulator.world), which decides where carts are.
Rates are per simulated second; the world's speed maps them onto wall-clock time.
"""

from __future__ import annotations

import logging
import math
import random
from bisect import bisect_right
from dataclasses import dataclass

from smartcart.agentkit.slots import FirmwareSlots
from smartcart.protocol import Battery, Dock, Health

from .base import CartHardware

log = logging.getLogger(__name__)

CAPACITY_AH = 20.0
DRIVE_AMPS = 3.0  # scanner, screen and motor assist while a shopper pushes the cart
IDLE_AMPS = 0.15  # electronics asleep, cart parked out of a slot
CHARGE_AMPS = 5.0  # constant-current phase of the slot charger
TAPER_FROM = 85.0  # percent: above this the charger tapers to constant-voltage
FLOAT_AMPS = 0.05  # what a full pack draws on float charge, in a powered slot
INTERNAL_OHMS = 0.06
AMBIENT_C = 21.0
HEAT_C_PER_AMP2 = 0.4  # steady-state rise over ambient per A² (I²R heating)
OVERTEMP_EXTRA_C = 28.0  # a failing cell heats the pack well past the 45 °C alarm
THERMAL_TAU_S = 600.0
LOW_BATTERY = 15.0
# Open-circuit voltage of a 4S LiFePO4 pack against state of charge: flat in the middle.
OCV = (
    (0, 10.8),
    (5, 12.0),
    (10, 12.8),
    (20, 13.0),
    (40, 13.15),
    (60, 13.25),
    (80, 13.35),
    (90, 13.4),
    (100, 13.6),
)


@dataclass(frozen=True, slots=True)
class FaultKind:
    code: str
    severity: str  # "fault" stops the cart, "degraded" lets it work with less
    only_in_use: bool
    mean_hours_between: float
    mean_minutes_to_clear: float


FAULTS = (
    FaultKind("MOTOR_STALL", "fault", True, 20, 4),
    FaultKind("BATTERY_OVERTEMP", "fault", False, 40, 10),
    FaultKind("SCANNER_OFFLINE", "degraded", False, 16, 6),
)
SEVERITY = {kind.code: kind.severity for kind in FAULTS}


def open_circuit_voltage(soc: float) -> float:
    socs = [point[0] for point in OCV]
    i = min(max(bisect_right(socs, soc) - 1, 0), len(OCV) - 2)
    (s0, v0), (s1, v1) = OCV[i], OCV[i + 1]
    return v0 + (v1 - v0) * (soc - s0) / (s1 - s0)


def charger_amps(soc: float) -> float:
    if soc >= 100:
        # A full pack on a powered slot stays on float charge: the cart keeps saying it charges
        # (the store installs firmware only on carts that do), and its battery stays full.
        return FLOAT_AMPS
    if soc < TAPER_FROM:
        return CHARGE_AMPS
    return max(0.3, CHARGE_AMPS * (100 - soc) / (100 - TAPER_FROM))


class CartPhysics:
    """Battery, temperature and faults of one cart, stepped by the world."""

    def __init__(self, *, soc: float, rng: random.Random, temperature: float = AMBIENT_C) -> None:
        self.soc, self.temperature, self.rng = soc, temperature, rng
        self.amps = 0.0  # positive charging, negative discharging
        self.faults: set[str] = set()

    def step(self, seconds: float, *, in_use: bool, can_charge: bool) -> None:
        self._update_faults(seconds, in_use)
        self.amps = self._amps(in_use, can_charge)
        self.soc = min(100.0, max(0.0, self.soc + self.amps * seconds / 36 / CAPACITY_AH))
        self._heat(seconds)

    def _amps(self, in_use: bool, can_charge: bool) -> float:
        if can_charge and "BATTERY_OVERTEMP" not in self.faults:
            return charger_amps(self.soc)
        if can_charge:
            return 0.0  # the charger cuts out on overtemperature; the slot still powers the cart
        return -DRIVE_AMPS if in_use else -IDLE_AMPS

    def _heat(self, seconds: float) -> None:
        target = AMBIENT_C + HEAT_C_PER_AMP2 * self.amps**2
        if "BATTERY_OVERTEMP" in self.faults:
            target += OVERTEMP_EXTRA_C
        self.temperature += (target - self.temperature) * (1 - math.exp(-seconds / THERMAL_TAU_S))

    def _update_faults(self, seconds: float, in_use: bool) -> None:
        for kind in FAULTS:
            if kind.code in self.faults:
                if self.rng.random() < seconds / (kind.mean_minutes_to_clear * 60):
                    self.faults.discard(kind.code)
            elif (in_use or not kind.only_in_use) and self.rng.random() < seconds / (
                kind.mean_hours_between * 3600
            ):
                self.faults.add(kind.code)

    def battery(self) -> Battery:
        volts = open_circuit_voltage(self.soc) + self.amps * INTERNAL_OHMS
        return Battery(
            soc=round(self.soc, 1),
            voltage=round(volts, 2),
            temperature=round(self.temperature, 1),
            charging=self.amps > 0,
        )

    def health(self) -> Health:
        codes = sorted(self.faults) + (["BATTERY_LOW"] if self.soc < LOW_BATTERY else [])
        if any(SEVERITY.get(code) == "fault" for code in codes):
            return Health("fault", codes)
        return Health("degraded", codes) if codes else Health()

    def has_fault(self) -> bool:
        return any(SEVERITY[code] == "fault" for code in self.faults)


class SimulatedCart(CartHardware):
    """The driver the simulator uses: every read advances the shared world to now. With
    `firmware_slots` (slots.SimulatedSlots) the cart runs what its slots hold, and the world
    learns that version, as a rack's dock connector would read it."""

    def __init__(self, world, device: str, *, firmware_slots: FirmwareSlots | None = None) -> None:
        self.world, self.device, self.fw_slots = world, device, firmware_slots
        self.presses = 0  # help button presses not yet handed to the agent
        if firmware_slots is not None:
            self.firmware()

    def press_help_button(self) -> None:
        """A shopper presses the cart's help button (the simulator, or a test)."""
        with self.world.lock:
            self.presses += 1

    def help_presses(self) -> int:
        with self.world.lock:
            presses, self.presses = self.presses, 0
        return presses

    def _body(self):
        self.world.advance()
        return self.world.carts[self.device]

    def battery(self) -> Battery:
        with self.world.lock:
            return self._body().physics.battery()

    def health(self) -> Health:
        with self.world.lock:
            return self._body().physics.health()

    def dock(self) -> Dock | None:
        with self.world.lock:
            place = self._body().dock
            return Dock(rack=place[0], slot=place[1]) if place else None

    def firmware(self) -> str:
        if self.fw_slots is None:
            return self.world.carts[self.device].firmware
        version = self.fw_slots.running_version()
        self.world.set_firmware(self.device, version)
        return version

    def firmware_slots(self) -> FirmwareSlots | None:
        return self.fw_slots

    def locate(self, *, seconds: float) -> None:
        with self.world.lock:
            self._body().beeping_until = self.world.sim_time + seconds * self.world.speed

    def assist_light(self, *, on: bool) -> None:
        with self.world.lock:
            self._body().assist_light = on

    def lock(self) -> None:
        with self.world.lock:
            self._body().locked = True

    def unlock(self) -> None:
        with self.world.lock:
            self._body().locked = False

    def maintenance_mode(self, *, on: bool) -> None:
        with self.world.lock:
            self._body().maintenance = on

    def reboot(self) -> None:
        with self.world.lock:
            self._body().physics.faults.discard("SCANNER_OFFLINE")

    def show_message(self, *, text: str, seconds: float) -> None:
        with self.world.lock:
            body = self._body()
            body.message, body.message_until = (
                text,
                self.world.sim_time + seconds * self.world.speed,
            )
        log.info("%s shows %r for %g s", self.device, text, seconds)
