"""The behavioural store: racks with slots, carts that leave to go shopping and come back.

One world is shared by every simulated agent of a store, under one lock, so at any instant a
rack reports exactly the carts that say they are docked in it. Time is simulated: `speed`
simulated seconds pass per real second (the demo runs a minute a second, so a shopping trip
takes half a minute and batteries visibly move).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cart_agent.hal.simulated import CartPhysics

STEP_SECONDS = 10.0  # simulated seconds per physics step
MEAN_DOCKED_SECONDS = 20 * 60  # a charged cart waits this long on average before a shopper takes it
TRIP_SECONDS = (10 * 60, 40 * 60)
LEAVE_ABOVE_SOC = 50.0  # shoppers take carts that show enough charge
RETURN_BELOW_SOC = 12.0  # a cart this low is brought back early


@dataclass(slots=True)
class SimCart:
    device: str
    physics: CartPhysics
    firmware: str
    dock: tuple[str, int] | None = None
    trip_left: float = 0.0  # simulated seconds of shopping left; 0 out of a slot = waiting to dock
    locked: bool = False
    maintenance: bool = False
    assist_light: bool = False
    beeping_until: float = 0.0
    message: str = ""  # what the cart's screen shows (display_message), until message_until
    message_until: float = 0.0
    with_shopper: bool = False  # taken by a simulated shopper of the real API, until given back
    sticker: str = ""  # the pairing code printed on the cart, which a shopper's app reads

    def may_leave(self) -> bool:
        return (
            not (self.locked or self.maintenance or self.physics.has_fault())
            and self.physics.soc >= LEAVE_ABOVE_SOC
        )


@dataclass
class StoreWorld:
    racks: dict[str, int]  # rack id -> slot count
    cart_ids: list[str]
    seed: int | None = None
    speed: float = 60.0
    firmware: str = "1.0.0"
    docked_share: float = 0.5
    clock: Callable[[], float] = time.monotonic
    moving: bool = True  # False freezes who is where (batteries still change)
    departures: bool = True  # False: carts leave their racks only with a shopper (take())
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.sim_time, self.last = 0.0, self.clock()
        self.slots: dict[tuple[str, int], str | None] = {
            (rack, n): None for rack, count in self.racks.items() for n in range(1, count + 1)
        }
        self.powered = dict.fromkeys(self.slots, True)
        self.carts = {device: self._new_cart(device) for device in self.cart_ids}
        self._place_initially()

    def _new_cart(self, device: str) -> SimCart:
        physics = CartPhysics(soc=self.rng.uniform(35, 95), rng=self.rng)
        return SimCart(device, physics, self.firmware)

    def _place_initially(self) -> None:
        order = list(self.carts.values())
        self.rng.shuffle(order)
        docked = min(round(len(order) * self.docked_share), len(self.slots))
        for cart in order[:docked]:
            self._dock(cart)
        for cart in order[docked:]:
            cart.trip_left = self.rng.uniform(0, TRIP_SECONDS[1])

    def advance(self) -> None:
        """Bring the world up to the present, in small steps."""
        with self.lock:
            now = self.clock()
            pending, self.last = (now - self.last) * self.speed, now
            while pending > 0:
                step = min(STEP_SECONDS, pending)
                self._step(step)
                pending -= step

    def _step(self, seconds: float) -> None:
        self.sim_time += seconds
        for cart in self.carts.values():
            docked = cart.dock is not None
            cart.physics.step(
                seconds,
                in_use=not docked and (cart.trip_left > 0 or cart.with_shopper),
                can_charge=docked and self.powered[cart.dock],
            )
            if self.moving:
                self._move(cart, seconds)

    def _move(self, cart: SimCart, seconds: float) -> None:
        if cart.dock is not None:
            if (
                self.departures
                and cart.may_leave()
                and self.rng.random() < seconds / MEAN_DOCKED_SECONDS
            ):
                self._undock(cart)
            return
        if cart.with_shopper:  # the shopper brings it back (give_back), flat battery or not
            return
        cart.trip_left = max(0.0, cart.trip_left - seconds)
        if cart.physics.soc < RETURN_BELOW_SOC:
            cart.trip_left = 0.0
        if cart.trip_left == 0.0:
            self._dock(cart)

    def _dock(self, cart: SimCart) -> None:
        free = [place for place, device in self.slots.items() if device is None]
        if free:  # otherwise the cart waits by the racks and tries again next step
            cart.dock = self.rng.choice(free)
            self.slots[cart.dock] = cart.device
            cart.trip_left = 0.0

    def _undock(self, cart: SimCart) -> None:
        self.slots[cart.dock] = None
        cart.dock = None
        cart.trip_left = self.rng.uniform(*TRIP_SECONDS)

    def idle_docked(self) -> list[str]:
        """Carts in a slot that a shopper could take now: charged enough, no fault, not locked."""
        with self.lock:
            return [
                c.device
                for c in self.carts.values()
                if c.dock is not None and not c.with_shopper and c.may_leave()
            ]

    def take(self, device: str) -> bool:
        """A shopper paired with this docked cart: it leaves its rack and drains while in use."""
        with self.lock:
            self.advance()
            cart = self.carts[device]
            if cart.dock is None or cart.with_shopper:
                return False
            self.slots[cart.dock] = None
            cart.dock, cart.trip_left, cart.with_shopper = None, 0.0, True
            return True

    def give_back(self, device: str) -> None:
        """The shopper is done: the cart docks into a free slot (now, or once one frees up)."""
        with self.lock:
            self.advance()
            cart = self.carts[device]
            if cart.with_shopper:
                cart.with_shopper = False
                self._dock(cart)

    def set_firmware(self, device: str, version: str) -> None:
        """The version a cart runs now (its firmware slots say), as its dock connector tells
        the rack it sits in."""
        with self.lock:
            self.carts[device].firmware = version

    def census(self) -> dict[str, int]:
        """How many carts are docked, out shopping, and in fault: what the demo must show."""
        with self.lock:
            carts = self.carts.values()
            return {
                "docked": sum(c.dock is not None for c in carts),
                "shopping": sum(
                    c.dock is None and (c.trip_left > 0 or c.with_shopper) for c in carts
                ),
                "charging": sum(c.physics.amps > 0 for c in carts),
                "fault": sum(c.physics.has_fault() for c in carts),
            }
