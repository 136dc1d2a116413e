"""A running ingest behind a real broker takes poison and hostile topics and keeps storing."""

from __future__ import annotations

import json

import paho.mqtt.client as mqtt
import paho.mqtt.publish as publish

from onprem.fleet.models import CartReading, DeadLetter
from onprem.fleet.services import ingest_health, provision_device

from .conftest import cart_payload
from .test_ingest_over_mqtt import wait_for


def send(broker: dict, messages: list[tuple[str, bytes]]) -> None:
    protocol = mqtt.MQTTv5 if broker["protocol"] == 5 else mqtt.MQTTv311
    publish.multiple(
        [{"topic": t, "payload": p, "qos": 1} for t, p in messages],
        hostname=broker["host"],
        port=broker["port"],
        protocol=protocol,
    )


def test_ingest_dead_letters_poison_and_keeps_storing(ingest_process, mqtt_broker, store_id):
    provision_device(kind="cart", device_id="cart-007")
    base = f"smartcart/{store_id}/cart/cart-007"
    deep = b'{"schema": "cart.telemetry/1", "x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}"
    overflow = json.dumps(
        {**cart_payload("cart-007", seq=1), "ts": "9999-12-31T23:59:59-12:00"}
    ).encode()
    hostile = [
        (f"{base}/telemetry", deep),
        (f"{base}/telemetry", overflow),
        (f"{base}/telemetry", b"\xef\xbb\xbf{}"),
        (f"{base}/cmd", b'{"schema": "cmd/1"}'),
        (f"{base}/diagnostics", b"{}"),
        (f"{base}/telemetry/extra", b"{}"),
        (f"smartcart/{store_id}x/cart/cart-007/telemetry", b"{}"),
        (f"{store_id}/outside/smartcart", b"{}"),
    ]

    send(
        mqtt_broker,
        hostile + [(f"{base}/telemetry", json.dumps(cart_payload("cart-007", seq=2)).encode())],
    )

    wait_for(lambda: CartReading.objects.filter(device_id="cart-007", seq=2).exists())
    letters = wait_for(
        lambda: (
            (d := list(DeadLetter.objects.filter(topic__contains=store_id)))
            and len(d) >= len(hostile)
            and d
        )
    )
    reasons = " | ".join(letter.reason for letter in letters)
    for expected in (
        "nests deeper than 32",
        "is not a time between",
        "byte order mark",
        "cmd goes from the store",
        "channel 'diagnostics'",
        "is not smartcart/{store}",
        "topic is for store",
    ):
        assert expected in reasons
    assert ingest_process.poll() is None, "ingest is still running"
    assert ingest_health()["ok"] is True
