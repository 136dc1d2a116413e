"""python -m cart_agent [--config cart.toml]  (or SMARTCART_AGENT_* variables)"""

from __future__ import annotations

import sys

from smartcart.agentkit.runner import Runner, TransportEnded, load_config, stop_on_signals

from . import config as cart_config
from .agent import CartAgent


def build(cfg: cart_config.CartConfig) -> Runner:
    from simulator.world import StoreWorld
    from smartcart.agentkit.slots import SimulatedSlots

    from .hal.simulated import SimulatedCart

    a = cfg.agent
    slots = SimulatedSlots(a.ota_root, hardware="cart-v1", factory_version=a.firmware)
    world = StoreWorld(
        racks={cfg.home_rack: cfg.home_rack_slots},
        cart_ids=[a.device],
        seed=a.seed,
        speed=a.speed,
        firmware=a.firmware,
    )
    agent = CartAgent(SimulatedCart(world, a.device, firmware_slots=slots), device=a.device)
    runner = Runner(a, agent)
    agent.on_reboot = runner.reboot
    return runner


def main(argv: list[str] | None = None) -> int:
    cfg = load_config("cart_agent", cart_config.load, argv)
    if cfg is None:
        return 2
    runner = build(cfg)
    stop_on_signals(runner)
    try:
        runner.run()
    except TransportEnded as exc:
        print(f"cart_agent: {exc}; exiting so the service manager restarts it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
