"""Rack agent settings: the common agent keys plus slots, the web page and simulated carts."""

from __future__ import annotations

from dataclasses import dataclass

from smartcart.agentkit.config import AgentConfig, load_source, read_common, read_int, read_text
from smartcart.envconf import ConfigError

HARDWARE = ("simulated",)
EXTRA_KEYS = ("hardware", "slots", "http_host", "http_port", "sim_carts")


@dataclass(frozen=True, slots=True)
class RackConfig:
    agent: AgentConfig
    hardware: str
    slots: int
    http_host: str
    http_port: int  # 0: no web page
    sim_carts: int  # simulated hardware: how many carts come and go


def load(argv: list[str] | None = None, env: dict | None = None) -> RackConfig:
    src = load_source("rack_agent", argv, EXTRA_KEYS, env)
    hardware = read_text(src, "hardware", "simulated")
    if hardware not in HARDWARE:
        raise ConfigError(
            f"{src.raw('hardware')[1]}={hardware!r} is not a known driver: {', '.join(HARDWARE)}"
        )
    slots = read_int(src, "slots", 10, 1, 64)
    return RackConfig(
        agent=read_common("rack", src),
        hardware=hardware,
        slots=slots,
        http_host=read_text(src, "http_host", "127.0.0.1"),
        http_port=read_int(src, "http_port", 0, 0, 65535),
        sim_carts=read_int(src, "sim_carts", max(1, slots * 7 // 10), 0, 1000),
    )
