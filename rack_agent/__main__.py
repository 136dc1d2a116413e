"""python -m rack_agent [--config rack.toml]  (or SMARTCART_AGENT_* variables)
python -m rack_agent hash-password            (prints the rack page's http_password_hash line)
python -m rack_agent hash-pin                 (prints the force-update form's technician_pin_hash line)"""

from __future__ import annotations

import sys

from smartcart.agentkit.runner import Runner, TransportEnded, load_config, stop_on_signals

from . import config as rack_config
from . import http_ui
from .agent import RackAgent


def build(cfg: rack_config.RackConfig) -> tuple[Runner, RackAgent]:
    from simulator.world import StoreWorld
    from smartcart.agentkit.slots import SimulatedSlots

    from .hal.simulated import SimulatedRack

    a = cfg.agent
    slots = SimulatedSlots(a.ota_root, hardware="rack-v1", factory_version=a.firmware)
    carts = [f"{a.device}-cart-{n:02d}" for n in range(1, cfg.sim_carts + 1)]
    world = StoreWorld(
        racks={a.device: cfg.slots}, cart_ids=carts, seed=a.seed, speed=a.speed, firmware=a.firmware
    )
    agent = RackAgent(
        SimulatedRack(world, a.device, firmware=a.firmware, firmware_slots=slots), device=a.device
    )
    runner = Runner(a, agent)
    agent.on_reboot = runner.reboot
    return runner, agent


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["hash-password"], ["hash-pin"]):
        from .technician import hash_password_command

        return hash_password_command(argv[0].removeprefix("hash-"))
    cfg = load_config("rack_agent", rack_config.load, argv)
    if cfg is None:
        return 2
    runner, agent = build(cfg)
    agent.page_url = cfg.http_advertise_url
    try:
        server = http_ui.serve(agent, cfg) if cfg.http_port else None
    except OSError as exc:
        print(
            f"rack_agent: cannot serve the rack page on {cfg.http_host}:{cfg.http_port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    stop_on_signals(runner)
    try:
        runner.run()
    except TransportEnded as exc:
        print(f"rack_agent: {exc}; exiting so the service manager restarts it", file=sys.stderr)
        return 1
    finally:
        if server:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
