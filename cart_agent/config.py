"""Cart agent settings: the common agent keys plus which hardware driver to load."""

from __future__ import annotations

from dataclasses import dataclass

from smartcart.agentkit.config import (
    AgentConfig,
    load_source,
    read_common,
    read_id,
    read_int,
    read_text,
)
from smartcart.envconf import ConfigError

HARDWARE = ("simulated",)  # real drivers register here as they are written
EXTRA_KEYS = ("hardware", "home_rack", "home_rack_slots")


@dataclass(frozen=True, slots=True)
class CartConfig:
    agent: AgentConfig
    hardware: str
    home_rack: str  # simulated hardware: the rack the lone cart docks into
    home_rack_slots: int


def load(argv: list[str] | None = None, env: dict | None = None) -> CartConfig:
    src = load_source("cart_agent", argv, EXTRA_KEYS, env)
    hardware = read_text(src, "hardware", "simulated")
    if hardware not in HARDWARE:
        raise ConfigError(
            f"{src.raw('hardware')[1]}={hardware!r} is not a known driver: {', '.join(HARDWARE)}"
        )
    return CartConfig(
        agent=read_common("cart", src),
        hardware=hardware,
        home_rack=read_id(src, "home_rack", "rack-01"),
        home_rack_slots=read_int(src, "home_rack_slots", 10, 1, 64),
    )
