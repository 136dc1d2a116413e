"""The on-disk outbox: every telemetry, event and ack is written here first, then published.

A row leaves only when the broker's PUBACK for it arrives, so what was produced while the
broker was away (or before a crash) goes out later, in order. SQLite in WAL mode with
synchronous=NORMAL survives a killed process; only a power cut may lose the newest rows.
The outbox is bounded: past `max_rows` the oldest rows are dropped and counted.

A PUBACK means the broker has the message in memory, not on disk: Mosquitto writes its store
only every `autosave_interval` (30 s in deploy/), so a broker killed before that forgets
messages it acknowledged. Delivered rows are therefore kept for REPLAY_SECONDS and sent again
after every reconnect; the server's (device, boot_id, seq) key drops the copies.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from smartcart.protocol.fields import MAX_PAYLOAD

log = logging.getLogger(__name__)

REPLAY_SECONDS = 60.0  # twice Mosquitto's autosave interval in deploy/mosquitto/mosquitto.conf
SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL,
    delivered_at REAL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
"""


class Outbox:
    """Thread-safe: the agent loop appends, the network thread reads and deletes."""

    def __init__(self, path: Path | str, *, max_rows: int = 100_000) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(outbox)")}
        if "delivered_at" not in columns:  # an outbox written by an older agent
            self.db.execute("ALTER TABLE outbox ADD COLUMN delivered_at REAL")
        self.max_rows = max_rows
        # size counts what is still to deliver; delivered rows wait only for a replay.
        self.size = self.db.execute("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
        self.pruned_at = 0.0
        self.last_id = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0]

    def append(self, topic: str, payload: bytes) -> int:
        """Queue one message; 0 (nothing queued) for one over the protocol's size limit, which
        the broker would refuse, and the agent would resend after every reconnect, forever."""
        if len(payload) > MAX_PAYLOAD:
            log.error("outbox refused a %d-byte message for %s: over the %d-byte limit", len(payload), topic,
                      MAX_PAYLOAD)
            self.bump("oversized")
            return 0
        with self.lock:
            row_id = self.db.execute(
                "INSERT INTO outbox (topic, payload) VALUES (?, ?)", (topic, payload)
            ).lastrowid
            self.size += 1
            self.last_id = row_id
            if self.size > self.max_rows:
                self._drop_oldest(self.size - self.max_rows)
            return row_id

    def _drop_oldest(self, count: int) -> None:
        self.db.execute(
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT ?)",
            (count,),
        )
        self.size -= count
        self.bump("dropped", count)
        log.warning("outbox full (%d rows): dropped the %d oldest messages", self.max_rows, count)

    def after(self, row_id: int, limit: int, *, replay: bool = False) -> list[tuple[int, str, bytes]]:
        """The oldest rows newer than `row_id`: what to publish next, in order. With `replay`
        (a new connection), telemetry and events delivered in the last REPLAY_SECONDS come again
        too; acks do not: the store re-sends a command it heard nothing of, and the agent answers
        a repeated id with the stored result."""
        since = time.time() - REPLAY_SECONDS if replay else float("inf")
        with self.lock:
            return self.db.execute(
                "SELECT id, topic, payload FROM outbox WHERE id > ?"
                " AND (delivered_at IS NULL OR (delivered_at > ? AND topic NOT LIKE '%/ack'))"
                " ORDER BY id LIMIT ?",
                (row_id, since, limit),
            ).fetchall()

    def delete(self, row_id: int) -> None:
        """The broker has it: keep the row REPLAY_SECONDS more (see the module's docstring)."""
        now = time.time()
        with self.lock:
            if self.db.execute(
                "UPDATE outbox SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL", (now, row_id)
            ).rowcount:
                self.size -= 1
            if now - self.pruned_at > 1.0:
                self.db.execute("DELETE FROM outbox WHERE delivered_at < ?", (now - REPLAY_SECONDS,))
                self.pruned_at = now

    def forget(self, row_id: int) -> None:
        """Drop a row for good (the broker refused it: sending it again cannot help)."""
        with self.lock:
            if self.db.execute("DELETE FROM outbox WHERE id = ? AND delivered_at IS NULL", (row_id,)).rowcount:
                self.size -= 1

    def bump(self, name: str, by: int = 1) -> None:
        with self.lock:
            self.db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                (name, by),
            )

    def counter(self, name: str) -> int:
        with self.lock:
            row = self.db.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
            return row[0] if row else 0

    @property
    def dropped(self) -> int:
        return self.counter("dropped")

    def close(self) -> None:
        with self.lock:
            self.db.close()
