"""Sending the store's commands from the ingest process, which holds its MQTT connection.

A thread beside ingest's batch loop publishes every due command (services.send_due) a few
times a second and expires the overdue ones; ingest also sends a device's waiting commands as
soon as a batch saying it is online commits (send_queued_for). Why here and not in the web
process: docs/decisions.md, "Commands leave through ingest".
"""

from __future__ import annotations

import logging
import threading
import time

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection

from smartcart.protocol import QOS

from . import services

log = logging.getLogger(__name__)
POLL_SECONDS = 0.02  # how long a command requested over the API may wait to be picked up
EXPIRE_EVERY_SECONDS = 1.0


class CommandDispatcher:
    """Publishes due commands over ingest's client; every step survives a bad one (logged)."""

    def __init__(self, client: mqtt.Client) -> None:
        self.client = client
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, name="command-dispatcher", daemon=True)

    def publish(self, topic: str, payload: bytes) -> bool:
        """Hand one command to paho; False while the broker is away (the command stays `sent`
        and goes out again after services.RESEND_AFTER)."""
        if not self.client.is_connected():
            return False
        return self.client.publish(topic, payload, qos=QOS["cmd"]).rc == mqtt.MQTT_ERR_SUCCESS

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(10)

    def run(self) -> None:
        last_expiry = 0.0
        try:
            while not self.stopping.wait(POLL_SECONDS):
                if time.monotonic() - last_expiry >= EXPIRE_EVERY_SECONDS:
                    self.step("expire", services.expire_commands)
                    last_expiry = time.monotonic()
                if self.client.is_connected():
                    self.step("send", services.send_due, publish=self.publish)
        finally:
            connection.close()  # this thread's own connection

    def send_waiting(self, devices: list[tuple[str, str]]) -> None:
        """Devices just came online (ingest's thread, after its batch committed)."""
        for kind, device_id in devices:
            self.step(
                "send on online",
                services.send_queued_for,
                kind=kind,
                device_id=device_id,
                publish=self.publish,
            )

    @staticmethod
    def step(what: str, verb, **kwargs) -> None:
        try:
            verb(**kwargs)
        except DatabaseError as exc:
            log.warning("commands: %s failed, retrying soon: %s", what, exc)
            close_old_connections()
        except Exception:  # noqa: BLE001 - the dispatcher must outlive any one failure
            log.exception("commands: %s failed", what)
