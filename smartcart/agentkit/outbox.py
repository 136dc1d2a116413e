"""The on-disk outbox: every telemetry, event and ack is written here first, then published.

A row leaves only when the broker's PUBACK for it arrives, so what was produced while the
broker was away (or before a crash) goes out later, in order. SQLite in WAL mode with
synchronous=NORMAL survives a killed process; only a power cut may lose the newest rows.
The outbox is bounded: past `max_rows` the oldest rows are dropped and counted.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, payload BLOB NOT NULL
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
        self.max_rows = max_rows
        self.size = self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
        self.last_id = self.db.execute("SELECT COALESCE(MAX(id), 0) FROM outbox").fetchone()[0]

    def append(self, topic: str, payload: bytes) -> int:
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
            "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)", (count,)
        )
        self.size -= count
        self.bump("dropped", count)
        log.warning("outbox full (%d rows): dropped the %d oldest messages", self.max_rows, count)

    def after(self, row_id: int, limit: int) -> list[tuple[int, str, bytes]]:
        """The oldest rows newer than `row_id`: what to publish next, in order."""
        with self.lock:
            return self.db.execute(
                "SELECT id, topic, payload FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
                (row_id, limit),
            ).fetchall()

    def delete(self, row_id: int) -> None:
        with self.lock:
            if self.db.execute("DELETE FROM outbox WHERE id = ?", (row_id,)).rowcount:
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
