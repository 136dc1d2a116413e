"""A simulated store fleet: N rack agents and M cart agents around one StoreWorld, each with
its own MQTT client, outbox and boot id, exactly as separate devices would have."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from pathlib import Path

from cart_agent.agent import CartAgent
from cart_agent.hal.simulated import SimulatedCart
from rack_agent.agent import RackAgent
from rack_agent.hal.simulated import SimulatedRack
from smartcart.agentkit.config import AgentConfig, MqttSettings
from smartcart.agentkit.runner import Runner
from smartcart.envconf import ConfigError

from .world import StoreWorld

log = logging.getLogger(__name__)


def rack_ids(count: int) -> list[str]:
    return [f"rack-{n:02d}" for n in range(1, count + 1)]


def cart_ids(count: int) -> list[str]:
    return [f"cart-{n:03d}" for n in range(1, count + 1)]


def read_credentials(path: Path | None) -> dict[str, dict[str, str]]:
    """{"<device>": {"username": ..., "password": ...}} as `manage.py provision --json` prints it."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise ConfigError(f"--credentials {path} cannot be read: {exc.strerror}") from None
    except ValueError as exc:
        raise ConfigError(f"--credentials {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(v, dict)
        and isinstance(v.get("username"), str)
        and isinstance(v.get("password"), str)
        for v in data.values()
    ):
        raise ConfigError(
            f'--credentials {path} must map each device id to {{"username": ..., "password": ...}}'
        )
    return data


class Fleet:
    def __init__(
        self,
        *,
        store: str,
        world: StoreWorld,
        mqtt: MqttSettings,
        outbox_dir: Path,
        interval: float,
        credentials: dict[str, dict[str, str]],
    ) -> None:
        self.store, self.world, self.mqtt, self.outbox_dir = store, world, mqtt, outbox_dir
        self.interval, self.credentials = interval, credentials
        self.runners: dict[str, Runner] = {}
        self.racks: dict[str, RackAgent] = {}
        for rack in world.racks:
            self.racks[rack] = self._add(
                rack, RackAgent(SimulatedRack(world, rack, firmware=world.firmware), device=rack)
            )
        for cart in world.cart_ids:
            self._add(cart, CartAgent(SimulatedCart(world, cart), device=cart))
        self.threads: list[threading.Thread] = []

    def _config(self, kind: str, device: str) -> AgentConfig:
        mqtt = self.mqtt
        if device in self.credentials:
            creds = self.credentials[device]
            mqtt = dataclasses.replace(mqtt, username=creds["username"], password=creds["password"])
        return AgentConfig(
            kind=kind,
            store=self.store,
            device=device,
            mqtt=mqtt,
            outbox=self.outbox_dir / f"{device}.outbox.sqlite3",
            outbox_max=100_000,
            interval=self.interval,
            firmware=self.world.firmware,
            seed=None,
            speed=self.world.speed,
            log_level="INFO",
        )

    def _add(self, device: str, agent):
        kind = "rack" if isinstance(agent, RackAgent) else "cart"
        runner = Runner(self._config(kind, device), agent)
        agent.on_reboot = runner.reboot
        self.runners[device] = runner
        return agent

    def start(self) -> None:
        for device, runner in self.runners.items():
            thread = threading.Thread(target=runner.run, name=f"agent-{device}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        """Every agent at once: each flushes its outbox and says offline."""
        for runner in self.runners.values():
            runner.stop()
        for thread in self.threads:
            thread.join(15)

    def connected(self) -> int:
        return sum(r.transport.connected.is_set() for r in self.runners.values())
