"""The store's Mosquitto as shipped (deploy/mosquitto/mosquitto.conf) on free ports, for tests
that check what the broker lets each identity do. Real paho clients, no mocks."""

from __future__ import annotations

import getpass
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings as django_settings

from onprem.fleet import mqtt as fleet_mqtt
from onprem.fleet.broker_access import export_mosquitto
from onprem.fleet.services import provision_device
from tests.conftest import ROOT, free_port, wait_for_port

DEPLOY_CONF = ROOT / "deploy" / "mosquitto" / "mosquitto.conf"
TIMEOUT = 5.0
SUCCESS = 0
ACCEPTED = (SUCCESS, 16)  # 16: accepted, but nobody subscribes to it
NOT_AUTHORIZED = 135
DISCONNECTED = -1  # no PUBACK: the connection ended first


@dataclass
class StoreBroker:
    server_port: int  # the loopback listener ingest uses
    device_port: int  # the devices' listener (TLS in a store, plain here)
    passwords: dict[str, str]  # username -> password, devices and ingest workers


def test_config(shipped: str, tmp: Path, server_port: int, device_port: int) -> str:
    """The shipped config with this test's files, ports and logging; every other line as is."""
    lines = []
    for line in shipped.splitlines():
        key, _, value = line.partition(" ")
        if key == "listener":
            line = f"listener {server_port if value.startswith('1883') else device_port} 127.0.0.1"
        elif key in ("certfile", "keyfile"):
            continue
        elif key in ("password_file", "acl_file"):
            line = f"{key} {tmp / key}"
        elif key == "persistence_location":
            line = f"{key} {tmp}/"
        elif key == "log_dest":
            line = f"log_dest file {tmp / 'mosquitto.log'}"
        lines.append(line)
    # Run as whoever runs the tests (as root, Mosquitto would switch to `mosquitto`, who cannot
    # read pytest's private tmp directory).
    lines.append(f"user {getpass.getuser()}")
    return "\n".join(lines) + "\n"


test_config.__test__ = False  # a helper, not a test


def start_store_broker(tmp: Path, *, carts: tuple[str, ...], ingest_workers: tuple[str, ...]):
    """Provision the carts, export with one service user per ingest worker, start Mosquitto."""
    if shutil.which("mosquitto") is None:
        pytest.skip(
            "the mosquitto binary is not installed, so the store broker's rules cannot be checked"
        )
    passwords = {cart: provision_device(kind="cart", device_id=cart).password for cart in carts}
    workers = {name: f"{name}-secret" for name in ingest_workers}
    export_mosquitto(
        passwd_path=tmp / "password_file", acl_path=tmp / "acl_file", service_users=workers
    )
    server_port, device_port = free_port(), free_port()
    conf = tmp / "mosquitto.conf"
    conf.write_text(test_config(DEPLOY_CONF.read_text(), tmp, server_port, device_port))
    proc = subprocess.Popen(["mosquitto", "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        wait_for_port(server_port, timeout=TIMEOUT)
        wait_for_port(device_port, timeout=TIMEOUT)
    except TimeoutError:
        proc.kill()
        raise AssertionError(f"mosquitto did not start: {proc.communicate()[1].decode()}") from None
    return proc, StoreBroker(server_port, device_port, {**passwords, **workers})


@dataclass
class Peer:
    """One MQTT 5 connection, recording what it receives and how the broker answers it."""

    client: mqtt.Client
    connack: dict = field(default_factory=dict)
    received: list[mqtt.MQTTMessage] = field(default_factory=list)
    pubacks: dict[int, int] = field(default_factory=dict)  # mid -> reason code
    subacks: dict[int, list[int]] = field(default_factory=dict)
    disconnects: list[int] = field(default_factory=list)
    changed: threading.Condition = field(default_factory=threading.Condition)

    def note(self, action) -> None:
        with self.changed:
            action()
            self.changed.notify_all()

    def wait(self, check, what: str, timeout: float = TIMEOUT):
        with self.changed:
            if not self.changed.wait_for(check, timeout):
                raise AssertionError(f"gave up after {timeout}s waiting for {what}")

    def publish(self, topic: str, payload: bytes | str) -> int:
        """Publish at QoS 1 and return the broker's PUBACK reason code (DISCONNECTED if the
        connection ends first)."""
        info = self.client.publish(topic, payload, qos=1)
        self.wait(lambda: info.mid in self.pubacks or self.disconnects, f"PUBACK of {topic}")
        return self.pubacks.get(info.mid, DISCONNECTED)

    def subscribe(self, topic_filter: str) -> int:
        """Subscribe at QoS 1 and return the SUBACK reason code (1 = granted QoS 1)."""
        _, mid = self.client.subscribe(topic_filter, qos=1)
        self.wait(lambda: mid in self.subacks, f"SUBACK of {topic_filter}")
        return self.subacks[mid][0]

    def payloads(self) -> list[bytes]:
        return [m.payload for m in self.received]

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def watch(client: mqtt.Client) -> Peer:
    peer = Peer(client)
    client.reconnect_delay_set(
        min_delay=30, max_delay=30
    )  # an evicted peer stays away during the test
    client.on_connect = lambda c, u, flags, rc, p: peer.note(
        lambda: peer.connack.update(reason=rc.value, session_present=flags.session_present)
    )
    client.on_message = lambda c, u, msg: peer.note(lambda: peer.received.append(msg))
    client.on_publish = lambda c, u, mid, rc, p: peer.note(
        lambda: peer.pubacks.__setitem__(mid, rc.value)
    )
    client.on_subscribe = lambda c, u, mid, rcs, p: peer.note(
        lambda: peer.subacks.__setitem__(mid, [rc.value for rc in rcs])
    )
    client.on_disconnect = lambda c, u, flags, rc, p: peer.note(
        lambda: peer.disconnects.append(rc.value)
    )
    return peer


def started(peer: Peer, what: str) -> Peer:
    peer.client.loop_start()
    peer.wait(lambda: peer.connack or peer.disconnects, f"CONNACK for {what}")
    return peer


def connect(
    port: int,
    *,
    client_id: str,
    username: str | None,
    password: str | None,
    resume: bool = False,
    protocol: int = 5,
) -> Peer:
    """A device-like client (MQTT 5 or, with protocol=3, 3.1.1), connected. `resume`: ask for the
    session the broker keeps for this client id (clean start off; MQTT 5: it ends with this
    connection)."""
    v5 = protocol == 5
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        clean_session=None if v5 else not resume,
    )
    if username is not None:
        client.username_pw_set(username, password)
    peer = watch(client)
    if v5:
        client.connect("127.0.0.1", port, keepalive=30, clean_start=not resume)
    else:
        client.connect("127.0.0.1", port, keepalive=30)
    return started(peer, client_id)


def use_store_broker(settings, broker: StoreBroker, worker: str) -> None:
    """Point settings.MQTT (what onprem.fleet.mqtt reads) at this broker as this ingest worker."""
    settings.MQTT = {
        "host": "127.0.0.1",
        "port": broker.server_port,
        "tls": False,
        "protocol": 5,
        "username": worker,
        "password": broker.passwords[worker],
    }


def connect_ingest(settings, broker: StoreBroker, worker: str) -> Peer:
    """Ingest's own client (onprem.fleet.mqtt, the client id IngestPipeline uses), persistent."""
    use_store_broker(settings, broker, worker)
    client = fleet_mqtt.make_client(ingest_client_id(worker), persistent=True)
    peer = watch(client)
    fleet_mqtt.connect(client, persistent=True)
    return started(peer, worker)


def ingest_client_id(worker: str) -> str:
    return f"smartcart-{worker}-{django_settings.STORE_ID}"


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_until(check, what: str, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout}s waiting for {what}")
        time.sleep(0.02)
