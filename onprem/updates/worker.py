"""The updates worker (`manage.py updates`): one loop, about once a second, doing each step
apart so one failure never stops the others: pick campaign devices, send jobs through the
gates, follow their commands, fail the stalled ones. Artifacts are fetched on a thread of
their own: a 20 MB image over a slow WAN must not hold the gates of jobs already cached.
"""

from __future__ import annotations

import logging
import threading

from django.db import DatabaseError, close_old_connections, connection

from . import campaigns, jobs, releases

log = logging.getLogger(__name__)
TICK_S = 1.0


class UpdatesWorker:
    def __init__(self, *, tick: float = TICK_S) -> None:
        self.tick = tick
        self.stopping = threading.Event()
        self.fetcher = threading.Thread(
            target=self.fetch_loop, name="artifact-fetcher", daemon=True
        )

    def stop(self) -> None:
        self.stopping.set()

    def run(self) -> None:
        log.info("updates worker started")
        self.fetcher.start()
        try:
            while not self.stopping.is_set():
                close_old_connections()  # the database may have dropped us while we slept
                self.run_once()
                self.stopping.wait(self.tick)
        finally:
            self.fetcher.join(30)
            connection.close()
            log.info("updates worker stopped")

    def run_once(self) -> None:
        step("pick campaign devices", campaigns.fill_campaigns)
        step("follow install commands", jobs.follow_commands)
        step("dispatch waiting jobs", jobs.dispatch)
        step("time out stalled jobs", jobs.time_out_stalled)

    def fetch_loop(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                step("fetch artifacts", self.fetch_due)
                self.stopping.wait(self.tick)
        finally:
            connection.close()  # this thread's own connection

    def fetch_due(self) -> None:
        for release in releases.due_fetches():
            if self.stopping.is_set():
                return
            step(f"fetch {release.hardware} {release.version}", releases.fetch_release, release)


def step(what: str, verb, *args) -> None:
    try:
        verb(*args)
    except DatabaseError as exc:
        log.warning("updates: %s failed, retrying soon: %s", what, exc)
        close_old_connections()
    except Exception:  # noqa: BLE001 - the worker must outlive any one failure
        log.exception("updates: %s failed", what)
