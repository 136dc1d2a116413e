"""Fixtures for agent tests: a listener on the real broker, agents as real subprocesses or as
in-process runners (each with its own paho client and outbox), a unique store per test so
retained statuses on a shared Mosquitto never leak between tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest

from tests.conftest import ROOT, free_port, wait_for_port


class Listener:
    """Subscribes to a store's topics at QoS 1 and keeps every message it receives."""

    def __init__(self, broker: dict, topic_filter: str) -> None:
        self.messages: list[mqtt.MQTTMessage] = []
        self.lock = threading.Lock()
        self.subscribed = threading.Event()
        self.client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=f"listener-{uuid.uuid4().hex[:8]}",
            protocol=mqtt.MQTTv5 if broker["protocol"] == 5 else mqtt.MQTTv311,
        )
        if broker.get("username"):
            self.client.username_pw_set(broker["username"], broker["password"])
        self.client.on_connect = lambda c, *_: c.subscribe(topic_filter, qos=1)
        self.client.on_subscribe = lambda *_: self.subscribed.set()
        self.client.on_message = self._keep
        self.client.connect(broker["host"], broker["port"], keepalive=10)
        self.client.loop_start()
        assert self.subscribed.wait(10), "the listener could not subscribe"

    def _keep(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        with self.lock:
            self.messages.append(message)

    def on(self, device: str, channel: str) -> list[tuple[mqtt.MQTTMessage, dict]]:
        with self.lock:
            found = [m for m in self.messages if m.topic.split("/")[3:] == [device, channel]]
        return [(m, json.loads(m.payload)) for m in found]

    def wait_for(
        self,
        device: str,
        channel: str,
        check: Callable[[dict], bool] = lambda d: True,
        timeout: float = 15.0,
    ) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, data in self.on(device, channel):
                if check(data):
                    return data
            time.sleep(0.05)
        raise AssertionError(
            f"no matching {channel} from {device} within {timeout}s: {self.on(device, channel)[-3:]}"
        )

    def send(self, topic: str, payload: dict) -> None:
        self.client.publish(topic, json.dumps(payload), qos=1).wait_for_publish(5)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def store() -> str:
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def listener(mqtt_broker, store):
    listening = Listener(mqtt_broker, f"smartcart/{store}/#")
    yield listening
    listening.close()


def agent_env(
    broker_url: str, store: str, device: str, outbox: Path, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTCART_AGENT_")}
    env.update(
        {
            "SMARTCART_AGENT_STORE": store,
            "SMARTCART_AGENT_DEVICE": device,
            "SMARTCART_AGENT_MQTT_URL": broker_url,
            "SMARTCART_AGENT_OUTBOX": str(outbox),
            "SMARTCART_AGENT_INTERVAL": "0.2",
            "SMARTCART_AGENT_RECONNECT_MIN": "0.2",
            "SMARTCART_AGENT_RECONNECT_MAX": "1",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update({f"SMARTCART_AGENT_{k.upper()}": v for k, v in extra.items()})
    return env


@pytest.fixture
def spawn_agent(mqtt_broker, store, tmp_path):
    """Start `python -m cart_agent|rack_agent` as a real process; all are killed at the end."""
    started: list[subprocess.Popen] = []

    def spawn(
        module: str, device: str, *, url: str | None = None, **extra: str
    ) -> subprocess.Popen:
        env = agent_env(
            url or mqtt_broker["url"], store, device, tmp_path / f"{device}.sqlite3", **extra
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", module],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield spawn
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)


class OwnBroker:
    """An embedded amqtt broker subprocess this test may stop and start again on the same port."""

    def __init__(self, port: int) -> None:
        self.port, self.proc = port, None
        self.url = f"mqtt://127.0.0.1:{port}?protocol=3"
        self.info = {
            "host": "127.0.0.1",
            "port": port,
            "protocol": 3,
            "username": None,
            "password": None,
        }

    def start(self) -> OwnBroker:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "smartcart.broker", "--port", str(self.port)], cwd=ROOT
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def own_broker():
    broker = OwnBroker(free_port())
    yield broker
    if broker.proc and broker.proc.poll() is None:
        broker.stop()


def produced(stderr: str) -> tuple[int, int]:
    """(telemetry produced, left in the outbox) from the agent's last log line."""
    match = re.search(r"produced (\d+) telemetry messages, (\d+) left in the outbox", stderr)
    assert match, f"the agent did not report what it produced: {stderr[-500:]}"
    return int(match[1]), int(match[2])


class InProcessCart:
    """A cart agent's Runner on a thread of the test, so a test can reach into its hardware
    and its outbox file; `stopped` is set once its loop has ended, however it ended."""

    def __init__(self, broker_url: str, store: str, device: str, outbox: Path, hal_class) -> None:
        from cart_agent.agent import CartAgent
        from cart_agent.config import load
        from simulator.world import StoreWorld
        from smartcart.agentkit.runner import Runner

        cfg = load([], env=agent_env(broker_url, store, device, outbox, interval="0.1")).agent
        world = StoreWorld(racks={"rack-01": 10}, cart_ids=[device], seed=1, speed=60)
        self.hal = hal_class(world, device)
        self.runner = Runner(cfg, CartAgent(self.hal, device=device))
        self.outbox = outbox
        self.ended_by: BaseException | None = None
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.runner.run()
        except BaseException as exc:  # noqa: BLE001 - the test asserts what ended the loop
            self.ended_by = exc
        finally:
            self.stopped.set()

    def stop(self) -> None:
        self.runner.stop()
        self.thread.join(20)


@pytest.fixture
def in_process_cart(mqtt_broker, store, tmp_path):
    """in_process_cart(device, hal_class) -> a running InProcessCart, stopped after the test."""
    started: list[InProcessCart] = []

    def start(device: str, hal_class) -> InProcessCart:
        cart = InProcessCart(
            mqtt_broker["url"], store, device, tmp_path / f"{device}.sqlite3", hal_class
        )
        started.append(cart)
        return cart

    yield start
    for cart in started:
        cart.stop()
