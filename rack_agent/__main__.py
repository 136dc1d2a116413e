"""python -m rack_agent [--config rack.toml]  (or SMARTCART_AGENT_* variables)"""

from __future__ import annotations

import sys

from smartcart.agentkit.runner import Runner, load_config, stop_on_signals

from . import config as rack_config
from . import http_ui
from .agent import RackAgent


def build(cfg: rack_config.RackConfig) -> tuple[Runner, RackAgent]:
    from smartcart.simulator.world import StoreWorld

    from .hal.simulated import SimulatedRack

    a = cfg.agent
    carts = [f"{a.device}-cart-{n:02d}" for n in range(1, cfg.sim_carts + 1)]
    world = StoreWorld(
        racks={a.device: cfg.slots}, cart_ids=carts, seed=a.seed, speed=a.speed, firmware=a.firmware
    )
    agent = RackAgent(SimulatedRack(world, a.device, firmware=a.firmware), device=a.device)
    runner = Runner(a, agent)
    agent.on_reboot = runner.reboot
    return runner, agent


def main(argv: list[str] | None = None) -> int:
    cfg = load_config("rack_agent", rack_config.load, argv)
    if cfg is None:
        return 2
    runner, agent = build(cfg)
    try:
        server = http_ui.serve(agent, cfg.http_host, cfg.http_port) if cfg.http_port else None
    except OSError as exc:
        print(
            f"rack_agent: cannot serve the rack page on {cfg.http_host}:{cfg.http_port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    stop_on_signals(runner)
    runner.run()
    if server:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
