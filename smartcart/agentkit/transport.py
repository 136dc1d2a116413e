"""One device's MQTT link: paho-mqtt 2.x behind a small interface.

The outbox, not paho, is the source of truth for delivery. Each connection gets a fresh paho
client, so nothing paho queued in memory outlives its connection; after a reconnect the
outbox is re-sent from its oldest row. A message whose PUBACK was lost may go out twice:
the server deduplicates on (device, boot_id, seq), which is what QoS 1 asks of it.

All paho calls happen on the transport's own network thread; the agent loop only appends to
the outbox. Presence: a retained `online` Status on every connect, the same Status with
state=offline as the Last Will (broker publishes it if we vanish) and on a clean stop.

One bad item never ends the network thread: an exception in a callback (a command handler, an
outbox write on a locked or full disk) is logged and the loop goes on; anything else that
breaks a connection is logged and the thread reconnects after the usual backoff.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import ssl
import threading
import time
from collections.abc import Callable
from functools import wraps

import paho.mqtt.client as mqtt

from .config import MqttSettings
from .outbox import Outbox

log = logging.getLogger(__name__)

WINDOW = 100  # un-acked publishes in flight per connection
NO_MATCHING_SUBSCRIBERS = 16  # MQTT 5 PUBACK reason: nobody in the store took the message
RETRY_MIN, RETRY_MAX = 1.0, 30.0  # seconds before sending such messages again
SESSION_EXPIRY_SECONDS = 3600  # MQTT 5: the broker keeps our cmd subscription an hour


def survives(what: str):
    """Log a paho callback's exception and return, so paho's loop (and our thread) go on."""

    def wrap(callback):
        @wraps(callback)
        def guarded(self, *args, **kwargs):
            try:
                return callback(self, *args, **kwargs)
            except Exception as exc:
                log.error(
                    "%s: %s failed: %s: %s; carrying on",
                    self.client_id,
                    what,
                    type(exc).__name__,
                    exc,
                    exc_info=not isinstance(exc, OSError | sqlite3.Error),
                )

        return guarded

    return wrap


class Backoff:
    """Exponential reconnect delay with jitter, so a store's fleet does not reconnect in step."""

    def __init__(self, low: float, high: float, rng: random.Random | None = None) -> None:
        self.low, self.high, self.rng = low, high, rng or random.Random()
        self.attempt = 0

    def next_delay(self) -> float:
        ceiling = min(self.high, self.low * 2**self.attempt)
        self.attempt += 1
        return self.rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempt = 0


class Transport:
    """Connects, keeps connecting, publishes the outbox, hands commands to `on_command`."""

    def __init__(
        self,
        settings: MqttSettings,
        *,
        client_id: str,
        outbox: Outbox,
        status_topic: str,
        cmd_topic: str,
        presence: Callable[[str], bytes],
        on_command: Callable[[bytes], None],
    ) -> None:
        self.settings, self.client_id, self.outbox = settings, client_id, outbox
        self.status_topic, self.cmd_topic = status_topic, cmd_topic
        self.presence, self.on_command = presence, on_command
        self.backoff = Backoff(settings.reconnect_min, settings.reconnect_max)
        self.connected = threading.Event()
        self.stopping = threading.Event()
        self.restarting = threading.Event()
        self.inflight: dict[int, int] = {}  # paho mid -> outbox row id
        self.cursor = 0  # newest outbox row handed to the current connection
        self.replaying = True  # a new connection first re-sends recently delivered rows
        self.unheard: int | None = None  # oldest row that reached no subscriber
        self.retry_at, self.retry_delay = 0.0, RETRY_MIN
        self.thread = threading.Thread(target=self._run, name=f"mqtt-{client_id}", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self, *, flush_seconds: float = 3.0) -> None:
        """Deliver what is pending (for a while), publish offline, disconnect."""
        self.flush_seconds = flush_seconds
        self.stopping.set()
        if self.thread.is_alive():
            self.thread.join(flush_seconds + 5)

    def restart(self) -> None:
        """Reconnect with fresh presence payloads (after a reboot changed the boot id)."""
        self.restarting.set()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.restarting.clear()
            try:
                if self._session():
                    self.backoff.reset()
            except Exception:
                log.exception("%s: the connection broke on an error; reconnecting", self.client_id)
            if self.stopping.is_set() or self.restarting.is_set():
                continue
            delay = self.backoff.next_delay()
            log.info("%s: reconnecting in %.1fs", self.client_id, delay)
            self.stopping.wait(delay)

    def _client(self) -> mqtt.Client:
        s = self.settings
        v5 = s.protocol == 5
        client = mqtt.Client(
            mqtt.CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            protocol=mqtt.MQTTv5 if v5 else mqtt.MQTTv311,
            # A persistent session keeps our cmd subscription while we are away; outgoing
            # delivery does not rely on it (the outbox re-sends).
            clean_session=None if v5 else False,
        )
        if s.username:
            client.username_pw_set(s.username, s.password)
        if s.tls:
            client.tls_set(ca_certs=s.ca_file, cert_reqs=ssl.CERT_REQUIRED)
        client.will_set(self.status_topic, self.presence("offline"), qos=1, retain=True)
        client.max_inflight_messages_set(WINDOW)
        client.enable_logger(log)
        # Our callbacks catch their own errors; this is the net under paho's own code.
        client.suppress_exceptions = True
        client.on_connect, client.on_disconnect = self._on_connect, self._on_disconnect
        client.on_publish, client.on_message = self._on_publish, self._on_message
        return client

    def _connect(self, client: mqtt.Client) -> None:
        s = self.settings
        if s.protocol == 5:
            from paho.mqtt.packettypes import PacketTypes
            from paho.mqtt.properties import Properties

            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
            client.connect(
                s.host, s.port, keepalive=s.keepalive, clean_start=False, properties=props
            )
        else:
            client.connect(s.host, s.port, keepalive=s.keepalive)

    def _session(self) -> bool:
        """One connection, start to end. True if the broker accepted us."""
        client = self._client()
        try:
            self._connect(client)
        except (OSError, ssl.SSLError) as exc:
            log.warning(
                "%s: cannot reach broker %s:%s: %s",
                self.client_id,
                self.settings.host,
                self.settings.port,
                exc,
            )
            return False
        accepted = False
        broke = True
        try:
            while not self.stopping.is_set() and not self.restarting.is_set():
                if client.loop(timeout=0.05) != mqtt.MQTT_ERR_SUCCESS:
                    break
                accepted = accepted or self.connected.is_set()
                self._pump(client)
            if accepted and (self.stopping.is_set() or self.restarting.is_set()):
                self._goodbye(client)
            broke = False
        finally:
            if broke:
                drop(client)
            self.connected.clear()
            self.inflight.clear()
            self.cursor, self.replaying, self.unheard = 0, True, None
        return accepted

    def _pump(self, client: mqtt.Client) -> None:
        room = WINDOW - len(self.inflight)
        if self.unheard is not None and time.monotonic() >= self.retry_at:
            # Go back to the oldest message no one took; what was delivered since is skipped.
            self.cursor, self.unheard = min(self.cursor, self.unheard - 1), None
        if not self.connected.is_set() or room <= 0 or self.outbox.last_id <= self.cursor:
            return
        sending = set(self.inflight.values())
        rows = self.outbox.after(self.cursor, room, replay=self.replaying)
        for row_id, topic, payload in rows:
            if row_id not in sending:
                info = client.publish(topic, payload, qos=1)
                self.inflight[info.mid] = row_id
            self.cursor = row_id
        if len(rows) < room:
            self.replaying = False

    def _goodbye(self, client: mqtt.Client) -> None:
        deadline = (
            time.monotonic() + getattr(self, "flush_seconds", 3.0) if self.stopping.is_set() else 0
        )
        while time.monotonic() < deadline and self.outbox.size and self.connected.is_set():
            self._pump(client)
            client.loop(timeout=0.05)
        info = client.publish(self.status_topic, self.presence("offline"), qos=1, retain=True)
        end = time.monotonic() + 2
        while not info.is_published() and time.monotonic() < end and self.connected.is_set():
            client.loop(timeout=0.05)
        client.disconnect()

    @survives("handling the broker's CONNACK")
    def _on_connect(self, client, userdata, flags, reason, properties) -> None:
        if reason.is_failure:
            log.error("%s: broker refused the connection: %s", self.client_id, reason)
            return
        client.subscribe(self.cmd_topic, qos=1)
        client.publish(self.status_topic, self.presence("online"), qos=1, retain=True)
        self.connected.set()
        log.info(
            "%s: connected to %s:%s, %d messages waiting in the outbox",
            self.client_id,
            self.settings.host,
            self.settings.port,
            self.outbox.size,
        )

    @survives("handling a disconnect")
    def _on_disconnect(self, client, userdata, flags, reason, properties) -> None:
        if not self.stopping.is_set():
            log.warning("%s: disconnected: %s", self.client_id, reason)
        self.connected.clear()

    @survives("clearing a delivered message from the outbox")
    def _on_publish(self, client, userdata, mid, reason, properties) -> None:
        row_id = self.inflight.pop(mid, None)
        if row_id is None:
            return
        if reason.value == NO_MATCHING_SUBSCRIBERS:
            # Accepted, but no one in the store subscribed (ingest has no session yet, e.g.
            # after a broker restart): the message would be lost, so keep it and retry.
            self.keep_for_retry(row_id)
            return
        self.retry_delay = RETRY_MIN
        if reason.is_failure:
            # Retrying a message the broker refuses (e.g. ACL) would block the outbox forever.
            log.error(
                "%s: broker refused outbox message %d: %s; dropping it",
                self.client_id,
                row_id,
                reason,
            )
            self.outbox.bump("refused")
            self.outbox.forget(row_id)
            return
        self.outbox.delete(row_id)

    def keep_for_retry(self, row_id: int) -> None:
        if self.unheard is None:
            self.retry_at = time.monotonic() + self.retry_delay
            log.warning("%s: no subscriber took outbox message %d; sending it again in %.0f s",
                        self.client_id, row_id, self.retry_delay)
            self.retry_delay = min(self.retry_delay * 2, RETRY_MAX)
        self.unheard = row_id if self.unheard is None else min(self.unheard, row_id)
        self.outbox.bump("unheard")

    @survives("taking a command")
    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        if message.topic == self.cmd_topic:
            self.on_command(message.payload)


def drop(client: mqtt.Client) -> None:
    """Close a connection that ended on an error, without DISCONNECT: the broker then
    publishes our Last Will (offline) until we are back."""
    sock = client.socket()
    if sock is not None:
        try:
            sock.close()
        except OSError as exc:  # already gone; nothing else to do
            log.debug("closing a broken connection: %s", exc)
