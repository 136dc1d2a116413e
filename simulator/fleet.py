"""A simulated store fleet: N rack agents and M cart agents around one StoreWorld, each with
its own MQTT client, outbox, firmware slots and boot id, exactly as separate devices would
have; with `pages`, each rack also serves its technician page."""

from __future__ import annotations

import dataclasses
import json
import logging
import threading
from dataclasses import dataclass
from http.server import ThreadingHTTPServer
from pathlib import Path

from cart_agent.agent import CartAgent
from cart_agent.hal.simulated import SimulatedCart
from rack_agent.agent import RackAgent
from rack_agent.hal.simulated import SimulatedRack
from rack_agent.http_ui import rack_page, start_server
from rack_agent.technician import hash_password
from smartcart.agentkit.config import AgentConfig, MqttSettings
from smartcart.agentkit.runner import Runner
from smartcart.agentkit.slots import SimulatedSlots
from smartcart.envconf import ConfigError

from .world import StoreWorld

log = logging.getLogger(__name__)
# Fewer PBKDF2 rounds than a real rack's config: the simulator hashes at every start, and its
# secrets are local to one machine.
SIMULATED_HASH_ITERATIONS = 20_000


@dataclass(frozen=True, slots=True)
class RackPages:
    """The racks' technician pages: rack N on port + N - 1; the form needs pin and onprem_url."""

    port: int
    password: str
    pin: str | None = None
    onprem_url: str | None = None
    host: str = "127.0.0.1"

    def url(self, index: int) -> str:
        return f"http://{self.host}:{self.port + index}/"


def rack_ids(count: int, first: int = 1) -> list[str]:
    return [f"rack-{n:02d}" for n in range(first, first + count)]


def cart_ids(count: int, first: int = 1) -> list[str]:
    return [f"cart-{n:03d}" for n in range(first, first + count)]


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
        trust: tuple[Path, ...] = (),
        pages: RackPages | None = None,
    ) -> None:
        self.store, self.world, self.mqtt, self.outbox_dir = store, world, mqtt, outbox_dir
        self.interval, self.credentials, self.trust, self.pages = (
            interval,
            credentials,
            trust,
            pages,
        )
        self.runners: dict[str, Runner] = {}
        self.servers: list[ThreadingHTTPServer] = []
        self.racks: dict[str, RackAgent] = {}
        for rack in world.racks:
            hal = SimulatedRack(
                world, rack, firmware=world.firmware, firmware_slots=self._slots(rack, "rack-v1")
            )
            self.racks[rack] = self._add(rack, RackAgent(hal, device=rack))
        for cart in world.cart_ids:
            hal = SimulatedCart(world, cart, firmware_slots=self._slots(cart, "cart-v1"))
            self._add(cart, CartAgent(hal, device=cart))
        self.threads: list[threading.Thread] = []

    def _slots(self, device: str, hardware: str) -> SimulatedSlots:
        """The device's A/B firmware slots, kept beside its outbox (they survive a restart)."""
        return SimulatedSlots(
            self.outbox_dir / f"{device}.ota",
            hardware=hardware,
            factory_version=self.world.firmware,
        )

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
            ota_dir=self.outbox_dir / f"{device}.ota",
            trust=self.trust,
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

    def page_urls(self) -> dict[str, str]:
        """Each rack's page as the store reaches it ({} without pages)."""
        if self.pages is None:
            return {}
        return {rack: self.pages.url(n) for n, rack in enumerate(self.racks)}

    def serve_pages(self) -> None:
        """Serve every rack's page (before start(): each rack announces its page's URL in its
        status, so the store can proxy to it). OSError when a port is taken."""
        pages = self.pages
        if pages is None:
            return
        password_hash = hash_password(pages.password, iterations=SIMULATED_HASH_ITERATIONS)
        pin_hash = pages.pin and hash_password(pages.pin, iterations=SIMULATED_HASH_ITERATIONS)
        for (rack, agent), url in zip(self.racks.items(), self.page_urls().values(), strict=True):
            mqtt = self.runners[rack].config.mqtt
            page = rack_page(
                agent,
                user="technician",
                password_hash=password_hash,
                pin_hash=pin_hash,
                onprem_url=pages.onprem_url or "",
                login=(mqtt.username or "", mqtt.password or ""),
            )
            port = pages.port + len(self.servers)
            self.servers.append(start_server(page, pages.host, port))
            agent.page_url = url

    def start(self) -> None:
        for device, runner in self.runners.items():
            thread = threading.Thread(target=runner.run, name=f"agent-{device}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self) -> None:
        """Every agent at once: each flushes its outbox and says offline."""
        for runner in self.runners.values():
            runner.stop()
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(15)

    def connected(self) -> int:
        return sum(r.transport.connected.is_set() for r in self.runners.values())
