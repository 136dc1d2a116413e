"""The ingest process: MQTT in, batches to the database, PUBACK only after commit.

paho's network thread only queues messages; the main thread batches (up to
INGEST_BATCH_SIZE or INGEST_FLUSH_MS), stores, then acks each message. A crash before the
commit means the broker redelivers (persistent session), and (device, boot_id, seq) keeps
the redelivery from making duplicates.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, close_old_connections

from smartcart.protocol import store_filter

from . import mqtt as fleet_mqtt
from .ingest import Batch, DeviceDirectory, Message, record_flush, store_batch, store_one_by_one
from .services import mark_silent_devices_offline

log = logging.getLogger(__name__)
CHANNELS = ("telemetry", "status", "event")
IDLE_HEARTBEAT_SECONDS = 5.0
SILENT_SWEEP_SECONDS = 30.0
SILENT_AFTER = timedelta(seconds=90)
DB_RETRY_SECONDS = 2.0
STATE_EVERY_SECONDS = 1.0  # the dashboard's "latest" may trail the stored readings by this much


class IngestPipeline:
    def __init__(self, *, name: str = "ingest", store: str | None = None, shared: bool = False) -> None:
        self.name = name
        self.shared = shared
        self.store = store or settings.STORE_ID
        self.inbox: queue.SimpleQueue[Message] = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.client = fleet_mqtt.make_client(f"smartcart-{name}-{self.store}", manual_ack=True, persistent=True)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.subscribed = threading.Event()

    def on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("ingest mqtt connect refused reason=%s", reason_code)
            return
        client.subscribe([(self.topic_filter(channel), 1) for channel in CHANNELS])
        log.info("ingest connected store=%s session_present=%s", self.store, flags.session_present)

    def topic_filter(self, channel: str) -> str:
        # Shared subscription: the broker deals each message to one of the workers in the group.
        plain = store_filter(self.store, channel)
        return f"$share/smartcart-ingest-{self.store}/{plain}" if self.shared else plain

    def on_message(self, client, userdata, msg) -> None:
        self.inbox.put(Message(msg.topic, msg.payload, datetime.now(UTC), msg.mid if msg.qos else 0))

    def run(self) -> None:
        fleet_mqtt.connect(self.client, persistent=True)
        self.client.loop_start()
        try:
            self.consume()
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            log.info("ingest stopped")

    def consume(self) -> None:
        # The first heartbeat tells operators (and tests) that ingest is subscribed and listening.
        self.subscribed.wait(timeout=30)
        self.heartbeat()
        directory = DeviceDirectory()
        last_write = last_sweep = time.monotonic()
        while not (self.stopping.is_set() and self.inbox.empty()):
            messages = self.next_batch()
            if messages or (directory.pending_states and directory.states_due(STATE_EVERY_SECONDS)):
                self.store_until_done(messages, directory)
                last_write = time.monotonic()
            elif time.monotonic() - last_write > IDLE_HEARTBEAT_SECONDS:
                self.heartbeat()
                last_write = time.monotonic()
            if time.monotonic() - last_sweep > SILENT_SWEEP_SECONDS:
                mark_silent_devices_offline(silent_for=SILENT_AFTER)
                last_sweep = time.monotonic()
        directory.states_written_at = 0.0  # leaving: write the latest states now
        self.store_until_done([], directory)

    def next_batch(self) -> list[Message]:
        """Up to INGEST_BATCH_SIZE messages, waiting at most INGEST_FLUSH_MS for them to gather.

        A blocking get() with a timeout per message cost more than validating it, so only the
        first wait blocks; the rest is drained without waiting, with short naps in between.
        """
        limit, flush = settings.INGEST_BATCH_SIZE, settings.INGEST_FLUSH_MS / 1000
        try:
            batch = [self.inbox.get(timeout=flush)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + flush
        while len(batch) < limit:
            try:
                batch.append(self.inbox.get_nowait())
            except queue.Empty:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.005)
        return batch

    def store_until_done(self, messages: list[Message], directory: DeviceDirectory) -> None:
        """Keep the batch (un-acked) until the database takes it: an outage loses nothing, and
        on SIGTERM during one the broker keeps the messages for the next start."""
        while True:
            try:
                store_batch(messages, directory, ingest_name=self.name, state_every=STATE_EVERY_SECONDS)
                break
            except (OperationalError, InterfaceError) as exc:
                if self.stopping.is_set():
                    return
                log.warning("ingest database unavailable, retrying batch of %d: %s", len(messages), exc)
                close_old_connections()
                time.sleep(DB_RETRY_SECONDS)
            except DatabaseError:
                # Not an outage: one message trips the database. Find it, keep the rest.
                log.exception("ingest batch of %d failed, storing one by one", len(messages))
                store_one_by_one(messages, directory, ingest_name=self.name)
                break
        for message in messages:
            if message.mid:
                self.client.ack(message.mid, 1)

    def heartbeat(self) -> None:
        try:
            record_flush(self.name, [], Batch())
        except DatabaseError as exc:
            log.warning("ingest heartbeat failed: %s", exc)
            close_old_connections()
