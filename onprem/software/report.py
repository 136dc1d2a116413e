"""The store's `software_report` frames (docs: "software_report"): every journal entry of the
update (onprem/software/journal.py) the cloud has not acked yet, resent until it acks; the
acked count per rollout is kept in <releases>/reported.json, so a restarted uplink (every
update restarts it) sends only what is new.

It also restarts an updater that died mid-update (a power cut, kill -9): the journal says the
update is unfinished and no updater holds the lock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

from django.conf import settings

from smartcart import tunnel_frames as frames

from . import journal

log = logging.getLogger(__name__)
REPORTED = "reported.json"
RESEND_S = 10.0
RESUME_EVERY_S = 15.0
MAX_ENTRIES = 50


class SoftwareReport:
    """A Report for the uplink (onprem/uplink/client.py)."""

    interval = 1.0

    def __init__(self, releases: Path | None = None) -> None:
        self.releases = releases or settings.RELEASES_DIR
        self.in_flight: dict[str, tuple[int, int, float]] = {}  # id -> (rollout, upto, sent at)
        self.resume_checked = time.monotonic()  # the handler starts the first updater itself

    def new_connection(self) -> None:
        self.in_flight.clear()

    async def next_frame(self) -> frames.Frame | None:
        return await asyncio.to_thread(self.build)

    async def acked(self, frame_id: str) -> None:
        sent = self.in_flight.pop(frame_id, None)
        if sent is not None:
            await asyncio.to_thread(self.mark_reported, sent[0], sent[1])

    def build(self) -> frames.Frame | None:
        job = journal.load(self.releases)
        if job is None:
            return None
        self.resume_if_orphaned(job)
        now = time.monotonic()
        self.in_flight = {k: s for k, s in self.in_flight.items() if now - s[2] < RESEND_S}
        rollout, upto = job["rollout"], len(job["history"])
        start = self.reported().get(str(rollout), 0)
        if start >= upto or any(s[:2] == (rollout, upto) for s in self.in_flight.values()):
            return None
        start = max(start, upto - MAX_ENTRIES)
        body = {"updates": [row(job, entry) for entry in job["history"][start:upto]]}
        frame = frames.Frame(frames.SOFTWARE_REPORT, frames.new_id(), body, frames.now_iso())
        self.in_flight[frame.id] = (rollout, upto, now)
        return frame

    def resume_if_orphaned(self, job: dict) -> None:
        if journal.is_final(job) or time.monotonic() - self.resume_checked < RESUME_EVERY_S:
            return
        self.resume_checked = time.monotonic()
        if not journal.updater_running(self.releases):
            from .store_commands import start_updater

            log.warning(
                "software update %s unfinished and no updater at work: resuming it", job["version"]
            )
            start_updater()

    def reported(self) -> dict[str, int]:
        try:
            return json.loads((self.releases / REPORTED).read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def mark_reported(self, rollout: int, upto: int) -> None:
        done = self.reported()
        done[str(rollout)] = max(upto, done.get(str(rollout), 0))
        staged = self.releases / f".{REPORTED}.tmp"
        staged.write_text(json.dumps(done))
        staged.replace(self.releases / REPORTED)


def row(job: dict, entry: dict) -> dict:
    return {
        "rollout": job["rollout"],
        "version": job["version"],
        "state": entry["state"],
        "step": entry["step"],
        "reason": entry["reason"],
        "at": entry["at"],
    }
