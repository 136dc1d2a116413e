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

from onprem.commands.dispatch import CommandDispatcher

from . import mqtt as fleet_mqtt
from .ingest import (
    Batch,
    DeviceDirectory,
    Message,
    is_outage,
    record_flush,
    store_batch,
    store_one_by_one,
)
from .services import mark_silent_devices_offline, record_ingest_end, record_ingest_start
from .signals import batch_stored, tell

log = logging.getLogger(__name__)
# Everything on the store's broker: ingest stores its store's telemetry, status and events,
# advances the commands acks answer, skips its own commands, and dead-letters the rest
# (a device's cmd, acks of unknown ids, unknown channels, extra levels, other stores, topics outside
# smartcart/) so that nothing sent to the store vanishes without a trace (docs/protocol.md).
TOPIC_FILTER = "#"
IDLE_HEARTBEAT_SECONDS = 5.0
SILENT_SWEEP_SECONDS = 30.0
SILENT_AFTER = timedelta(seconds=90)
DB_RETRY_SECONDS = 2.0
# After SIGTERM ingest stores what it already holds for at most this long, then leaves: what
# is left is un-acked, so the broker keeps it for the next start (or the other workers).
DRAIN_SECONDS = 5.0
STATE_EVERY_SECONDS = 1.0  # the dashboard's "latest" may trail the stored readings by this much


class IngestPipeline:
    def __init__(self, *, name: str = "ingest", store: str | None = None, shared: bool = False) -> None:
        self.name = name
        self.shared = shared
        self.store = store or settings.STORE_ID
        self.inbox: queue.SimpleQueue[Message | None] = queue.SimpleQueue()  # None: stop() woke it
        self.stopping = threading.Event()
        self.drain_until: float | None = None  # set when a stop starts draining the inbox
        self.client = fleet_mqtt.make_client(f"smartcart-{name}-{self.store}", manual_ack=True, persistent=True)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.on_subscribe = lambda *args: self.subscribed.set()
        self.subscribed = threading.Event()
        # Commands go out over this same connection (docs/decisions.md, "Commands leave through ingest").
        self.commands = CommandDispatcher(self.client)

    def on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("ingest mqtt connect refused reason=%s", reason_code)
            return
        client.subscribe(self.topic_filter(), 1)
        log.info("ingest connected store=%s session_present=%s", self.store, flags.session_present)

    def topic_filter(self) -> str:
        # Shared subscription: the broker deals each message to one of the workers in the group.
        return f"$share/smartcart-ingest-{self.store}/{TOPIC_FILTER}" if self.shared else TOPIC_FILTER

    def on_message(self, client, userdata, msg) -> None:
        # Runs on paho's network thread: it must never raise, or the thread dies silently.
        try:
            topic = msg.topic
        except UnicodeDecodeError:
            topic = msg._topic.decode("utf-8", "replace")  # dead-lettered: not a protocol topic
        self.inbox.put(Message(topic, msg.payload, datetime.now(UTC), msg.mid if msg.qos else 0, bool(msg.retain)))

    def run(self) -> None:
        """Consume until SIGTERM. Every start and every end is recorded, so /healthz can tell
        a crash loop (an ingest that dies at each start) from a healthy one."""
        fleet_mqtt.connect(self.client, persistent=True)
        self.client.loop_start()
        self.commands.start()
        try:
            self.consume()
        except BaseException as exc:
            self.best_effort("stop record", record_ingest_end, name=self.name, error=f"{type(exc).__name__}: {exc}")
            raise
        else:
            self.best_effort("stop record", record_ingest_end, name=self.name, error="")
        finally:
            self.commands.stop()
            self.client.disconnect()
            self.client.loop_stop()
            log.info("ingest stopped")

    @staticmethod
    def best_effort(what: str, verb, **kwargs) -> None:
        """Bookkeeping a database blip may skip (heartbeat, sweep, start/stop records): it costs
        that one write, logged, never the ingest process; the next one reconnects."""
        try:
            verb(**kwargs)
        except DatabaseError as exc:
            log.warning("ingest %s failed: %s", what, exc)
            close_old_connections()

    def consume(self) -> None:
        # The first heartbeat tells operators (and tests) that ingest is subscribed and listening.
        self.subscribed.wait(timeout=30)
        self.heartbeat()
        self.best_effort("start record", record_ingest_start, name=self.name)
        directory = self.load_directory()
        last_write = last_sweep = time.monotonic()
        while not (self.stopping.is_set() and self.drained()):
            messages = self.next_batch()
            if messages or (directory.pending_states and directory.states_due(STATE_EVERY_SECONDS)):
                self.store_until_done(messages, directory)
                last_write = time.monotonic()
            elif time.monotonic() - last_write > IDLE_HEARTBEAT_SECONDS:
                self.heartbeat()
                last_write = time.monotonic()
            if time.monotonic() - last_sweep > SILENT_SWEEP_SECONDS:
                self.sweep_silent_devices()
                last_sweep = time.monotonic()
        directory.states_written_at = float("-inf")  # leaving: write the latest states now
        self.store_until_done([], directory)

    def stop(self) -> None:
        """Called by the SIGTERM/SIGINT handler: ask the loop to end, and wake it.

        The wake-up item is needed: CPython 3.11's SimpleQueue.get(timeout=...) interrupted by
        a signal just as its deadline passes goes on waiting with no timeout at all, so an idle
        ingest never looked at `stopping` again (seen under load: a worker alive 20 s after
        SIGTERM, main thread in a futex wait without timeout).
        """
        self.stopping.set()
        self.wake()

    def wake(self) -> None:
        """Make a wait on the inbox return (from any signal handler, for the reason above)."""
        self.inbox.put(None)

    def drained(self) -> bool:
        """Stopping: True once the inbox is empty, or DRAIN_SECONDS after the stop began even
        if messages keep arriving (a stop must end in bounded time; what was not stored was
        not acked either)."""
        if self.inbox.empty():
            return True
        if self.drain_until is None:
            self.drain_until = time.monotonic() + DRAIN_SECONDS
        if time.monotonic() < self.drain_until:
            return False
        log.warning("ingest leaving with %d messages not stored: the broker keeps them", self.inbox.qsize())
        return True

    def load_directory(self) -> DeviceDirectory:
        while True:
            try:
                return DeviceDirectory(self.store)
            except (OperationalError, InterfaceError) as exc:
                if self.stopping.is_set():
                    raise
                log.warning("ingest cannot read the fleet yet, retrying: %s", exc)
                close_old_connections()
                time.sleep(DB_RETRY_SECONDS)

    def next_batch(self) -> list[Message]:
        """Up to INGEST_BATCH_SIZE messages, waiting at most INGEST_FLUSH_MS for them to gather.

        A blocking get() with a timeout per message cost more than validating it, so only the
        first wait blocks; the rest is drained without waiting, with short naps in between.
        A batch holding an ack stops waiting once the inbox is empty: someone is watching that
        command (docs/decisions.md, 20), and acks are too few to shrink the batches much.
        """
        limit, flush = settings.INGEST_BATCH_SIZE, settings.INGEST_FLUSH_MS / 1000
        try:
            first = self.inbox.get(timeout=flush)
        except queue.Empty:
            return []
        if first is None:
            return []
        batch, deadline = [first], time.monotonic() + flush
        answered = first.topic.endswith("/ack")
        while len(batch) < limit:
            try:
                message = self.inbox.get_nowait()
                if message is not None:
                    batch.append(message)
                    answered = answered or message.topic.endswith("/ack")
            except queue.Empty:
                if answered or time.monotonic() >= deadline:
                    break
                time.sleep(0.005)
        return batch

    def store_until_done(self, messages: list[Message], directory: DeviceDirectory) -> None:
        """Keep the batch (un-acked) until the database takes it: an outage loses nothing, and
        on SIGTERM during one the broker keeps the messages for the next start."""
        stored: list[Batch] = []
        while True:
            try:
                stored = [store_batch(messages, directory, ingest_name=self.name, state_every=STATE_EVERY_SECONDS)]
                break
            except Exception as exc:  # noqa: BLE001 - nothing in one batch may stop ingest
                if is_outage(exc):
                    if self.stopping.is_set():
                        return
                    log.warning("ingest database unavailable, retrying batch of %d: %s", len(messages), exc)
                    time.sleep(DB_RETRY_SECONDS)
                    continue
            # Not an outage: one message trips the database or ingest. Find it, keep the rest.
            log.exception("ingest batch of %d failed, storing one by one", len(messages))
            stored = self.store_each(messages, directory)
            if stored is not None:
                break
            if self.stopping.is_set():
                return
        for message in messages:
            if message.mid:
                self.client.ack(message.mid, 1)
        # Committed: a device this batch says is online gets what waits for it now, and the
        # apps above the fleet (alerts, dashboard) hear what was stored.
        for batch in stored:
            self.commands.send_waiting(batch.online())
            if batch.stored_anything():
                tell(batch_stored, batch=batch)

    def store_each(self, messages: list[Message], directory: DeviceDirectory) -> list[Batch] | None:
        """The batches stored one message at a time, or None after a database outage."""
        try:
            return store_one_by_one(messages, directory, ingest_name=self.name)
        except (OperationalError, InterfaceError) as exc:
            log.warning("ingest database unavailable while storing one by one: %s", exc)
            time.sleep(DB_RETRY_SECONDS)
            return None

    def sweep_silent_devices(self) -> None:
        self.best_effort("silent-device sweep", mark_silent_devices_offline, silent_for=SILENT_AFTER)

    def heartbeat(self) -> None:
        self.best_effort("heartbeat", record_flush, name=self.name, messages=[], batch=Batch())
