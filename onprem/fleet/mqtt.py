"""The on-prem tier's MQTT client, configured from settings.MQTT (SMARTCART_MQTT_URL)."""

from __future__ import annotations

import ssl

import paho.mqtt.client as mqtt
from django.conf import settings
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

SESSION_EXPIRY_SECONDS = 24 * 3600
# Un-acked QoS 1 messages the broker may push before our PUBACKs. Mosquitto queues only
# max_queued_messages (default 1000) beyond this window and DROPS the rest, so the window is
# the buffer that carries ingest through a burst: keep it at the protocol maximum.
RECEIVE_MAXIMUM = 65535


def make_client(client_id: str, *, manual_ack: bool = False, persistent: bool = False) -> mqtt.Client:
    """A paho client for the configured broker. `persistent`: the broker keeps our
    subscriptions and queues QoS 1 messages while we are away (ingest restarts lose nothing)."""
    cfg = settings.MQTT
    v5 = cfg["protocol"] == 5
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
        clean_session=None if v5 else not persistent,
        manual_ack=manual_ack,
    )
    if cfg["username"]:
        client.username_pw_set(cfg["username"], cfg["password"])
    if cfg["tls"]:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    return client


def connect(client: mqtt.Client, *, persistent: bool = False, keepalive: int = 30) -> None:
    cfg = settings.MQTT
    if cfg["protocol"] == 5:
        props = Properties(PacketTypes.CONNECT)
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        if persistent:
            props.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
        client.connect(cfg["host"], cfg["port"], keepalive=keepalive, clean_start=not persistent, properties=props)
    else:
        client.connect(cfg["host"], cfg["port"], keepalive=keepalive)
