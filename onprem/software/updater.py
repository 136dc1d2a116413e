"""The store's on-prem updater: one update from the journal (update.json) to its end.

download → verify → compat → install → backup → migrate → probe → switch → restart → confirm,
each step written to the journal before it is taken. A failure before the backup changes
nothing on the store (failed, or refused for the release's own faults); one after it restores
the database (when the new version's migrations may have touched it), points `current` back,
restarts what was switched and reports rolled_back with the reason.

It runs detached from every component (`python -m django software_update`, started by the
onprem.update command or again by the uplink's report for an update it finds unfinished), so
restarting them all, the uplink included, never stops it. One updater at a time (a lock file).
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connections

from smartcart.software import running_version

from . import checks, database, install, journal
from .install import StepFailed
from .layout import RELEASE_LIB_VAR, current_version, release_env, release_lib, set_current
from .restart import restart_components

log = logging.getLogger(__name__)
MIGRATE_SECONDS = 1800
STEPS = (
    "download",
    "verify",
    "compat",
    "install",
    "backup",
    "migrate",
    "probe",
    "switch",
    "restart",
    "confirm",
)
# Stopped in one of these, the database may hold half of the new version: roll back.
UNSAFE_TO_REDO = ("migrate", "probe")


class Updater:
    def __init__(self, releases: Path | None = None) -> None:
        self.releases = releases or settings.RELEASES_DIR

    def run(self) -> dict | None:
        """Take the journal's update to its end; the journal, or None if there was nothing."""
        with journal.updater_lock(self.releases) as mine:
            if not mine:
                log.info("software update: another updater is at work")
                return None
            job = journal.load(self.releases)
            if journal.is_final(job):
                return job
            try:
                return self.drive(job)
            finally:
                connections.close_all()

    def drive(self, job: dict) -> dict:
        if job.get("rolling_back"):
            return self.roll_back(job, job["rollback_reason"])
        if job["step"] in UNSAFE_TO_REDO:
            return self.roll_back(job, f"the updater stopped during {job['step']}")
        first = STEPS.index(job["step"]) if job["step"] in STEPS else 0
        for step in STEPS[first:]:
            journal.enter(self.releases, job, step)
            log.info("software update %s: %s", job["version"], step)
            try:
                getattr(self, f"step_{step}")(job)
            except StepFailed as exc:
                return self.failed(job, step, str(exc), refused=exc.refused)
            except Exception as exc:  # noqa: BLE001 - every failure ends in a state the cloud hears
                log.exception("software update %s: %s failed", job["version"], step)
                return self.failed(job, step, f"{step}: {type(exc).__name__}: {exc}")
        job = journal.record(self.releases, job, "switched", "done", switched_at=journal.now_iso())
        self.tidy(job)
        return job

    def failed(self, job: dict, step: str, reason: str, *, refused: bool = False) -> dict:
        if "backup" in job:
            return self.roll_back(job, f"{step}: {reason}")
        state = "refused" if refused else "failed"
        return journal.record(self.releases, job, state, step, reason)

    # The steps: each raises StepFailed with a sentence when it cannot go on.

    def step_download(self, job: dict) -> None:
        install.fetch(self.releases, job)

    def step_verify(self, job: dict) -> None:
        install.check_signature(self.releases, job, running_version())

    def step_compat(self, job: dict) -> None:
        install.check_compat(job["version"])

    def step_install(self, job: dict) -> None:
        install.install(self.releases, job["version"])
        job["previous"] = current_version(self.releases)  # None: the base install

    def step_backup(self, job: dict) -> None:
        path = self.releases / "backups" / f"{job['rollout']}-{job['from_version']}.db"
        try:
            taken = database.backup(path)
        except database.BackupFailed as exc:
            raise StepFailed(str(exc)) from None
        journal.note(self.releases, job, backup=taken)

    def step_migrate(self, job: dict) -> None:
        connections.close_all()  # our connection must hold no lock the migration waits for
        argv = [sys.executable, "-m", "django", "migrate", "--noinput"]
        env = release_env(os.environ, release_lib(self.releases, job["version"]))
        env.setdefault("DJANGO_SETTINGS_MODULE", "onprem.settings")
        try:
            done = subprocess.run(
                argv,
                env=env,
                cwd=env[RELEASE_LIB_VAR] + "/..",
                capture_output=True,
                text=True,
                timeout=MIGRATE_SECONDS,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise StepFailed(f"the migrations ran over {MIGRATE_SECONDS} s") from None
        if done.returncode:
            raise StepFailed(f"the migrations failed: {done.stderr.strip()[-500:]}")
        journal.note(self.releases, job, migrated=True)

    def step_probe(self, job: dict) -> None:
        allowed = checks.running_failures()
        reason = checks.probe(
            release_lib(self.releases, job["version"]),
            job["version"],
            allowed=allowed,
            log_file=settings.LOG_DIR / "software-probe.log",
        )
        if reason:
            raise StepFailed(f"the new version is not healthy: {reason}")
        job["allowed_failing"] = sorted(allowed)

    def step_switch(self, job: dict) -> None:
        set_current(self.releases, job["version"])
        journal.note(self.releases, job, switched=True)

    def step_restart(self, job: dict) -> None:
        reason = restart_components()
        if reason:
            raise StepFailed(f"the components did not restart: {reason}")

    def step_confirm(self, job: dict) -> None:
        reason = checks.wait_healthy(
            settings.ONPREM_URL,
            job["version"],
            allowed=frozenset(job.get("allowed_failing", ())),
            within=settings.SOFTWARE_HEALTH_SECONDS * 2,
        )
        if reason:
            raise StepFailed(f"the store did not come back healthy on it: {reason}")

    # Rolling back: idempotent, so an updater that dies in it does it again on its next start.

    def roll_back(self, job: dict, reason: str) -> dict:
        log.warning("software update %s: rolling back: %s", job["version"], reason)
        journal.record(
            self.releases,
            job,
            "checking",
            "rollback",
            reason,
            rolling_back=True,
            rollback_reason=reason,
        )
        set_current(self.releases, job.get("previous"))
        problems = []
        if self.must_restore(job):
            try:
                database.restore(job["backup"])
            except database.BackupFailed as exc:
                problems.append(f"the database could not be restored: {exc}")
        if job.get("switched"):
            problems.append(self.restart_old(job))
        problems = [p for p in problems if p]
        if problems:
            return journal.record(
                self.releases,
                job,
                "failed",
                "rollback",
                f"{reason}; rolling back: {'; '.join(problems)}",
            )
        job = journal.record(self.releases, job, "rolled_back", "done", reason)
        self.tidy(job)
        return job

    def tidy(self, job: dict) -> None:
        """Keep the running release and the one before it (a way back by hand)."""
        keep = {v for v in (current_version(self.releases), job.get("previous")) if v}
        try:
            install.prune(self.releases, keep=keep)
        except OSError as exc:  # a full disk's cleanup must not turn a done update into an error
            log.warning("software update: could not prune old releases: %s", exc)

    def must_restore(self, job: dict) -> bool:
        """Whether the new version may have touched the database: its migrate started and did
        not finish cleanly with nothing applied. Restoring otherwise would only throw away what
        the running store recorded since the backup."""
        if "backup" not in job:
            return False
        if not job.get("migrated"):
            return True
        return database.applied_migrations() != job["backup"]["migrations"]

    def restart_old(self, job: dict) -> str:
        reason = restart_components()
        if reason:
            return f"the components did not restart: {reason}"
        started = time.monotonic()
        reason = checks.wait_healthy(
            settings.ONPREM_URL,
            job["from_version"],
            allowed=frozenset(job.get("allowed_failing", ())),
            within=settings.SOFTWARE_HEALTH_SECONDS * 2,
        )
        log.info("software update: old version back in %.1f s", time.monotonic() - started)
        return f"the old version is not healthy either: {reason}" if reason else ""
