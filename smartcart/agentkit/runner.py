"""The agent loop: sample the hardware, stamp (boot_id, seq), append to the outbox, repeat.

boot_id is fresh per process start (and per reboot command), seq counts up from 0 within a
boot, so (device, boot_id, seq) names each message once and the server can drop redeliveries.
Commands run on this loop too, between samples, so hardware is only touched from one thread.
A device whose hardware has firmware slots also takes `ota.install` (ota.py): its downloads
and health checks run on their own thread, but its events and its reboot come back here.

The loop survives one bad item: a reading that cannot be taken or stored is logged and the next
one is tried on time. Whatever ends the loop, the agent still says offline and closes its outbox.
"""

from __future__ import annotations

import json
import logging
import queue
import signal
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from smartcart.protocol import Command, Event, Status, topic

from .commands import CommandDesk, Handler
from .config import AgentConfig
from .ota import OtaInstaller
from .outbox import Outbox
from .slots import FirmwareSlots
from .transport import Transport

log = logging.getLogger(__name__)


class DeviceAgent(Protocol):
    """What a rack or cart agent gives the runner."""

    def sample(self, *, boot_id: str, seq: int, ts: datetime):
        """The device's telemetry message (CartTelemetry or RackTelemetry) right now."""

    def happenings(self) -> list[tuple[str, dict]]:
        """Events (name, data) noticed by the last sample, e.g. a fault raised."""

    def handlers(self) -> dict[str, Handler]:
        """Command name -> handler."""

    def firmware(self) -> str:
        """The running firmware version."""

    def firmware_slots(self) -> FirmwareSlots | None:
        """The hardware's A/B firmware slots, or None: the device takes no OTA updates."""


class TransportEnded(RuntimeError):
    """The network thread ended while the agent was running."""


def new_boot_id() -> str:
    return uuid.uuid4().hex


class Runner:
    def __init__(
        self, config: AgentConfig, agent: DeviceAgent, *, client_id: str | None = None
    ) -> None:
        self.config, self.agent = config, agent
        self.boot_id, self.seq, self.event_seq, self.produced = new_boot_id(), 0, 0, 0
        self.outbox = Outbox(config.outbox, max_rows=config.outbox_max)
        # Commands to run, and chores other threads hand to the loop (call_soon).
        self.commands: queue.SimpleQueue[Command | Callable[[], None] | None] = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.ota = self.ota_installer()
        handlers = agent.handlers()
        if self.ota is not None:
            handlers["ota.install"] = self.ota.install
        self.desk = CommandDesk(
            device=config.device,
            outbox=self.outbox,
            ack_topic=self.topic("ack"),
            handlers=handlers,
        )
        self.transport = Transport(
            config.mqtt,
            client_id=client_id or f"{config.store}.{config.device}",
            outbox=self.outbox,
            status_topic=self.topic("status"),
            cmd_topic=self.topic("cmd"),
            presence=self.presence,
            on_command=self.receive_command,
        )

    def ota_installer(self) -> OtaInstaller | None:
        slots = getattr(self.agent, "firmware_slots", lambda: None)()
        if slots is None:
            return None
        mqtt = self.config.mqtt
        return OtaInstaller(
            device=self.config.device,
            slots=slots,
            root=self.config.ota_root,
            trust=self.config.trust,
            # The store serves artifacts to the devices it knows, by their MQTT credentials.
            credentials=(mqtt.username, mqtt.password) if mqtt.username and mqtt.password else None,
            request_reboot=lambda: self.call_soon(self.reboot),
        )

    def call_soon(self, chore: Callable[[], None]) -> None:
        """Run `chore` on the agent loop, between samples (safe from any thread)."""
        self.commands.put(chore)

    def topic(self, channel: str) -> str:
        return topic(self.config.store, self.config.kind, self.config.device, channel)

    def presence(self, state: str) -> bytes:
        status = Status(
            device=self.config.device,
            state=state,
            boot_id=self.boot_id,
            firmware=self.agent.firmware(),
            page_url=getattr(self.agent, "page_url", ""),
        )
        return json.dumps(status.to_dict()).encode()

    def receive_command(self, payload: bytes) -> None:
        """On the network thread: record the command (CommandDesk never raises) and queue it."""
        command = self.desk.receive(payload)
        if command is not None:
            self.commands.put(command)

    def run(self) -> None:
        """Until stop(): sample every `interval` seconds, run commands in between."""
        log.info(
            "%s %s starting: boot %s, every %.2fs, %d messages waiting in the outbox",
            self.config.kind,
            self.config.device,
            self.boot_id,
            self.config.interval,
            self.outbox.size,
        )
        try:
            self.transport.start()
            if self.ota is not None:
                self.ota.start()
            next_tick = time.monotonic()
            while not self.stopping.is_set():
                self.check_transport()
                self.tick_or_log()
                next_tick = max(next_tick + self.config.interval, time.monotonic())
                self.work_until(next_tick)
        finally:
            self.shut_down()

    def check_transport(self) -> None:
        """Readings nobody will send are no use: if the network thread is gone, end the agent
        (the service manager restarts it) instead of filling the outbox unnoticed."""
        if not self.transport.thread.is_alive():
            log.critical("%s: the MQTT network thread has ended; stopping", self.config.device)
            raise TransportEnded(f"{self.config.device}: the MQTT network thread has ended")

    def tick_or_log(self) -> None:
        try:
            self.tick()
        except Exception as exc:
            log.error(
                "%s: reading %d not recorded: %s: %s; the next one comes in %.2fs",
                self.config.device,
                self.seq,
                type(exc).__name__,
                exc,
                self.config.interval,
                # A disk or device error says enough; anything else is a bug worth its traceback.
                exc_info=not isinstance(exc, OSError | sqlite3.Error),
            )

    def work_until(self, deadline: float) -> None:
        while (left := deadline - time.monotonic()) > 0 and not self.stopping.is_set():
            try:
                command = self.commands.get(timeout=left)
            except queue.Empty:
                return
            if isinstance(command, Command):
                self.desk.execute(command)
            elif command is not None:
                self.run_chore(command)

    def run_chore(self, chore: Callable[[], None]) -> None:
        try:
            chore()
        except Exception:
            log.exception("%s: a chore handed to the loop broke; carrying on", self.config.device)

    def tick(self) -> None:
        now = datetime.now(UTC)
        message = self.agent.sample(boot_id=self.boot_id, seq=self.seq, ts=now)
        self.outbox.append(self.topic("telemetry"), json.dumps(message.to_dict()).encode())
        self.seq += 1
        self.produced += 1
        self.emit_happenings(now)

    def emit_happenings(self, now: datetime) -> None:
        for name, data in self.agent.happenings():
            self.emit_event(name, data, now)
        if self.ota is not None:
            self.ota.flush(lambda name, data: self.emit_event(name, data, now))

    def emit_event(self, name: str, data: dict, ts: datetime) -> None:
        event = Event(
            device=self.config.device,
            boot_id=self.boot_id,
            seq=self.event_seq,
            ts=ts,
            event=name,
            data=data,
        )
        self.outbox.append(self.topic("event"), json.dumps(event.to_dict()).encode())
        self.event_seq += 1

    def reboot(self) -> None:
        """A (simulated) reboot: a new boot id, seq from 0, and a fresh online status. What
        happened before it is said under the old boot; the firmware slots boot afresh (into
        the new slot after an OTA switch)."""
        self.emit_happenings(datetime.now(UTC))
        self.boot_id, self.seq, self.event_seq = new_boot_id(), 0, 0
        if self.ota is not None:
            self.ota.rebooted()
        self.transport.restart()
        log.info("%s rebooted: boot %s", self.config.device, self.boot_id)

    def stop(self) -> None:
        self.stopping.set()
        self.commands.put(None)

    def shut_down(self) -> None:
        """Offline status out (after a short flush), network loop stopped, outbox closed."""
        self.stopping.set()
        if self.ota is not None:
            self.ota.stop()
        try:
            self.transport.stop()
        finally:
            self.report_and_close()

    def report_and_close(self) -> None:
        try:
            log.info(
                "%s %s stopped: produced %d telemetry messages, %d left in the outbox, %d dropped",
                self.config.kind,
                self.config.device,
                self.produced,
                self.outbox.size,
                self.outbox.dropped,
            )
        finally:
            self.outbox.close()


def stop_on_signals(runner: Runner) -> None:
    """SIGTERM (systemd stop) and SIGINT (Ctrl-C) end the loop cleanly: offline status goes out."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: runner.stop())


def load_config(program: str, load, argv: list[str] | None):
    """The agent's config, with logging set up from it; None (after saying why) when it is bad."""
    from smartcart.envconf import ConfigError

    try:
        cfg = load(argv)
    except ConfigError as exc:
        print(f"{program}: {exc}", file=sys.stderr)
        return None
    logging.basicConfig(level=cfg.agent.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return cfg
