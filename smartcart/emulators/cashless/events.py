"""Event listeners and their delivery, as the seed describes them.

At most ten listeners; a new one replaces the oldest. Each event is POSTed once to each
listener from a background thread with a short timeout — no retry, so events can be lost,
which is why clients must also poll.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque

import httpx

log = logging.getLogger(__name__)
MAX_LISTENERS = 10
POST_TIMEOUT_SECONDS = 2.0


class Listeners:
    def __init__(self) -> None:
        self._urls: deque[str] = deque(maxlen=MAX_LISTENERS)
        self._lock = threading.Lock()

    def register(self, url: str) -> None:
        with self._lock:
            if url not in self._urls:
                self._urls.append(url)  # maxlen drops the oldest

    def unregister(self, url: str) -> None:
        with self._lock:
            if url in self._urls:
                self._urls.remove(url)

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self._urls)

    def clear(self) -> None:
        with self._lock:
            self._urls.clear()


class Dispatcher:
    """POSTs queued events to the listeners registered when the event happened."""

    def __init__(self, listeners: Listeners) -> None:
        self.listeners = listeners
        self.drop = False  # control API: lose every event, as a flaky network would
        self.log: deque[dict] = deque(maxlen=200)
        self._queue: queue.Queue[tuple[dict, list[str]]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="cashless-events", daemon=True)
        self._thread.start()

    def publish(self, event: dict) -> None:
        if self.drop:
            self.log.append({"event": event, "url": None, "outcome": "dropped"})
            return
        self._queue.put((event, self.listeners.snapshot()))

    def _run(self) -> None:
        with httpx.Client(timeout=POST_TIMEOUT_SECONDS) as client:
            while True:
                event, urls = self._queue.get()
                for url in urls:
                    self.log.append(
                        {
                            "event": event,
                            "url": url,
                            "outcome": self._post(client, url, event),
                            "at": time.time(),
                        }
                    )

    @staticmethod
    def _post(client: httpx.Client, url: str, event: dict) -> str:
        try:
            response = client.post(url, json=event)
        except httpx.HTTPError as exc:
            log.info("event not delivered url=%s error=%s", url, exc)
            return f"failed: {type(exc).__name__}"
        return f"HTTP {response.status_code}"
