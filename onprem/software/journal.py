"""The updater's journal, <releases>/update.json: one update, every step written before it is
taken, so an updater that died (power cut, kill -9) resumes or rolls back on its next start.

It is a file, not a table: the database is what a failed update restores from its backup, and
the record of that update must survive the restore. No Django here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

JOURNAL = "update.json"
LOCK = "updater.lock"
# The states the cloud's StoreUpdate knows (docs: "software_report"), per step of the updater.
STEP_STATE = {
    "download": "downloading",
    "verify": "downloading",
    "compat": "downloading",
    "install": "installing",
    "backup": "installing",
    "migrate": "migrating",
    "probe": "checking",
    "switch": "checking",
    "restart": "checking",
    "confirm": "checking",
    "rollback": "checking",
}
FINAL = ("switched", "rolled_back", "failed", "refused")
MAX_HISTORY = 100


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def load(releases: Path) -> dict | None:
    try:
        return json.loads((releases / JOURNAL).read_text())
    except FileNotFoundError:
        return None


def save(releases: Path, job: dict) -> None:
    """Write the journal atomically and durably: a crash leaves the old one or the new one."""
    releases.mkdir(parents=True, exist_ok=True)
    staged = releases / f".{JOURNAL}.tmp"
    with staged.open("w") as out:
        json.dump(job, out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    os.replace(staged, releases / JOURNAL)


def is_final(job: dict | None) -> bool:
    return job is None or job["state"] in FINAL


def new_job(releases: Path, *, rollout: int, release: dict, url: str, from_version: str) -> dict:
    """Start the journal of a new update; the last one moves to history/."""
    old = load(releases)
    if old is not None:
        history = releases / "history"
        history.mkdir(exist_ok=True)
        (history / f"{old['rollout']}-{old['version']}.json").write_text(json.dumps(old, indent=2))
    job = {
        "rollout": rollout,
        "version": release["version"],
        "from_version": from_version,
        "release": release,
        "url": url,
        "state": "pending",
        "step": "",
        "reason": "",
        "started_at": now_iso(),
        "history": [],
    }
    record(releases, job, "pending", "accepted")
    return job


def record(releases: Path, job: dict, state: str, step: str, reason: str = "", **fields) -> dict:
    """The job at `state`/`step` (and `fields`), with a history entry, saved."""
    job.update(state=state, step=step, reason=reason[:500], **fields)
    entry = {"state": state, "step": step, "reason": job["reason"], "at": now_iso()}
    job["history"] = [*job["history"], entry][-MAX_HISTORY:]
    if state in FINAL:
        job["finished_at"] = entry["at"]
    save(releases, job)
    return job


def note(releases: Path, job: dict, **fields) -> dict:
    """Keep `fields` in the journal (no new state: what a step learned, e.g. its backup)."""
    job.update(fields)
    save(releases, job)
    return job


def enter(releases: Path, job: dict, step: str) -> dict:
    """Note that `step` is about to be taken."""
    return record(releases, job, STEP_STATE[step], step)


@contextlib.contextmanager
def updater_lock(releases: Path) -> Iterator[bool]:
    """Held by the one updater at work: yields False when another holds it."""
    releases.mkdir(parents=True, exist_ok=True)
    with (releases / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def updater_running(releases: Path) -> bool:
    with updater_lock(releases) as free:
        return not free
