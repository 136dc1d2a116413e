"""The on-prem tier's MQTT client, configured from settings.MQTT (SMARTCART_MQTT_URL)."""

from __future__ import annotations

import logging
import ssl

import paho.mqtt.client as mqtt
from django.conf import settings
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

log = logging.getLogger(__name__)

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
    client.on_disconnect = log_disconnect
    return client


def use_credentials(client: mqtt.Client, *, username: str, password: str) -> None:
    """Connect as this user instead of SMARTCART_MQTT_URL's: the store's Mosquitto uses the
    username as the client id, so every ingest worker needs its own (docs/operations.md)."""
    client.username_pw_set(username, password)


def log_disconnect(client: mqtt.Client, userdata, flags, reason_code: ReasonCode, properties) -> None:
    # The store's Mosquitto uses the username as the client id and gives a session to its newest
    # connection: two processes with one user evict each other in turn (Mosquitto 2.0.11 just
    # closes the old socket, so this side sees "Unspecified error", not "Session taken over").
    if reason_code.is_failure:
        log.warning("mqtt connection lost (%s), reconnecting; if this repeats, check that no other "
                    "process connects as MQTT user %s (each ingest worker needs its own --mqtt-user)",
                    reason_code, client.username)


def connect(client: mqtt.Client, *, persistent: bool = False, keepalive: int = 30) -> None:
    cfg = settings.MQTT
    if cfg["protocol"] == 5:
        props = Properties(PacketTypes.CONNECT)
        props.ReceiveMaximum = RECEIVE_MAXIMUM
        if persistent:
            props.SessionExpiryInterval = settings.MQTT_SESSION_EXPIRY_SECONDS
        client.connect(cfg["host"], cfg["port"], keepalive=keepalive, clean_start=not persistent, properties=props)
    else:
        client.connect(cfg["host"], cfg["port"], keepalive=keepalive)
