"""Over-the-air updates of a cart or a rack: the `ota.install` command and the work behind it.

The command checks the signed manifest against the keys this device trusts before it accepts
anything, then a background thread downloads the artifact (resuming), verifies it again,
writes the inactive firmware slot, switches to it and asks the agent loop to reboot. After the
reboot the new slot's health check decides: commit, or roll back to the old slot.

Every step is recorded in `job.json` (written atomically) BEFORE it is taken, and the slots
keep their own state (slots.py), so a process killed at any instant resumes where it was:
a download continues from its .part file, an install is redone from the verified file, a
trial slot is checked again (a bootloader-like counter gives it up after MAX_TRIES boots),
and a verdict already reached is carried out. It always ends on the old or the new version,
and says which in an `ota` event.

Threads: `install`, `flush` and `rebooted` run on the agent loop; downloads and health checks
on one OTA thread. Events wait in a queue for the loop (the runner's event counter is not
thread-safe), and the reboot itself is the loop's (a new boot_id belongs to the loop).
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from smartcart.release import Manifest, Refused, load_trust, verify, verify_manifest

from .commands import arg_text
from .download import Download, DownloadFailed, Stopped
from .slots import FirmwareSlots, InstallError, Verdict, read_json, write_atomically

log = logging.getLogger(__name__)

FINAL = ("succeeded", "failed", "rolled_back")
PROGRESS_STEP, PROGRESS_SECONDS = 10, 2.0  # a downloading event every ~10 % or 2 s


class Failure(Exception):
    """The job ends failed with a reason code (a release code, download_failed, install_failed)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class OtaInstaller:
    def __init__(
        self,
        *,
        device: str,
        slots: FirmwareSlots,
        root: Path,
        trust: tuple[Path, ...],
        credentials: tuple[str, str] | None,
        request_reboot: Callable[[], None],
        give_up_after: float = 300.0,
    ) -> None:
        self.device, self.slots, self.root, self.trust = device, slots, Path(root), trust
        self.credentials, self.request_reboot = credentials, request_reboot
        self.give_up_after = give_up_after
        self.root.mkdir(parents=True, exist_ok=True)
        self.job_file = self.root / "job.json"
        self.job: dict | None = read_json(self.job_file)
        self.lock = threading.RLock()
        self.events: queue.SimpleQueue[tuple[str, dict]] = queue.SimpleQueue()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.sent_percent, self.sent_at = -PROGRESS_STEP, 0.0

    # --- the agent loop's side ---------------------------------------------------------

    def install(self, args: dict) -> dict:
        """The `ota.install` handler: {"job", "manifest", "url"} -> {"job", "accepted": true}."""
        try:
            job_id = arg_text(args, "job", max_len=64)
        except ValueError as exc:
            raise ValueError(f"malformed: {exc}") from None
        with self.lock:
            known = self.job if self.job and self.job["job"] == job_id else None
            if known is not None:
                return self.repeat(known)
            if self.busy():
                raise ValueError(f"busy: job {self.job['job'] if self.job else '?'} is running")
            manifest = self.accept(job_id, args)
            self.save(
                {
                    "job": job_id,
                    "manifest": manifest.to_dict(),
                    "url": args["url"],
                    "version": manifest.version,
                    "from": self.slots.running_version(),
                    "stage": "downloading",
                    "reason": "",
                    "detail": "",
                    "reported": False,
                }
            )
        self.sent_percent, self.sent_at = 0, time.monotonic()
        self.event("downloading", percent=0)
        self.spawn(self.work)
        return {"job": job_id, "accepted": True}

    def repeat(self, job: dict) -> dict:
        """The same job again (another command id): nothing runs twice; its end is said again."""
        if job["stage"] in FINAL:
            self.event(job["stage"], reason=job["reason"], detail=job["detail"])
        return {"job": job["job"], "accepted": job["stage"] not in FINAL, "state": job["stage"]}

    def busy(self) -> bool:
        return (self.job is not None and self.job["stage"] not in FINAL) or self.slots.trying()

    def accept(self, job_id: str, args: dict) -> Manifest:
        """The verified manifest, or ValueError "<reason code>: <sentence>" and a failed event."""
        raw = args.get("manifest")
        version = raw.get("version") if isinstance(raw, dict) else None
        try:
            url = args.get("url")
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise Refused("malformed", f"url {url!r:.100} is not an http(s) URL")
            if not isinstance(raw, dict):
                raise Refused("malformed", "manifest must be the signed manifest object")
            return verify_manifest(
                raw,
                self.trusted(),
                hardware=self.slots.hardware,
                current_version=self.slots.running_version(),
            )
        except Refused as exc:
            self.queue_event(
                job_id,
                "failed",
                version=version if isinstance(version, str) else "",
                reason=exc.code,
                detail=str(exc),
            )
            raise ValueError(f"{exc.code}: {exc}") from None

    def trusted(self):
        try:
            return load_trust(self.trust)
        except ValueError as exc:
            raise Refused(
                "unknown_key", f"this device's trusted keys cannot be read: {exc}"
            ) from None

    def flush(self, emit: Callable[[str, dict], None]) -> None:
        """Hand the queued `ota` events to the runner; a final one, once handed over, need not
        be said again after a restart."""
        final = False
        while True:
            try:
                name, data = self.events.get_nowait()
            except queue.Empty:
                break
            emit(name, data)
            final = final or data["state"] in FINAL
        if final:
            with self.lock:
                if self.job and self.job["stage"] in FINAL and not self.job["reported"]:
                    self.save({**self.job, "reported": True})

    def start(self) -> None:
        """At the agent's start: carry on with whatever the last run left."""
        self.after_boot()

    def rebooted(self) -> None:
        """The device rebooted (the runner's new boot): boot the slots, then carry on."""
        self.halt()
        self.slots.boot()
        self.after_boot()

    def stop(self) -> None:
        self.halt(timeout=2)

    def halt(self, timeout: float = 35) -> None:
        """Stop the OTA thread (a download resumes later; a health check is let finish)."""
        if self.thread and self.thread.is_alive() and self.thread is not threading.current_thread():
            self.stopping.set()
            self.thread.join(timeout)
        self.stopping.clear()

    def after_boot(self) -> None:
        gave_up, job = self.slots.gave_up(), self.job
        if self.slots.trying():
            self.spawn(self.judge_trial)
        elif job is None or job["stage"] in FINAL:
            if job and not job["reported"]:
                self.event(job["stage"], reason=job["reason"], detail=job["detail"])
        elif job["stage"] == "committing" and self.slots.running_version() == job["version"]:
            self.finish("succeeded")  # committed just before the agent died
        elif gave_up or job["stage"] not in ("downloading", "installing"):
            # Back on the old slot: rolled back on a verdict (its reason is on record), or
            # the trial slot never gave one (the agent died in its health check each time).
            running = self.slots.running_version()
            self.finish(
                "rolled_back",
                job["reason"] or "interrupted",
                job["detail"] or f"version {job['version']} never confirmed itself; {running} runs",
            )
        else:
            self.spawn(self.work)

    def spawn(self, target: Callable[[], None]) -> None:
        self.thread = threading.Thread(
            target=self.guarded, args=(target,), daemon=True, name=f"ota-{self.device}"
        )
        self.thread.start()

    # --- the OTA thread's side ---------------------------------------------------------

    def guarded(self, target: Callable[[], None]) -> None:
        """One job's failure never escapes the thread: it ends the job with a reason."""
        try:
            target()
        except Stopped:
            log.info("%s: OTA work stopped; it resumes at the next start", self.device)
        except Failure as exc:
            self.finish("failed", exc.reason, exc.detail)
        except Exception as exc:
            log.exception("%s: OTA job broke", self.device)
            self.finish(
                "failed", "install_failed", f"the agent hit an error: {type(exc).__name__}: {exc}"
            )

    def work(self) -> None:
        manifest = Manifest.parse(self.job["manifest"])
        part = self.root / "download" / f"{manifest.sha256}.part"
        if self.job["stage"] == "downloading":
            self.download(manifest, part)
        if not part.exists():  # gone since (a tidy-up after a crash): fetch it again
            self.stage("downloading")
            self.download(manifest, part)
        self.stage("installing")
        self.event("installing")
        self.check(manifest, part)
        try:
            self.slots.write_inactive(part, version=manifest.version, manifest=manifest.to_dict())
            self.slots.switch()
        except InstallError as exc:
            raise Failure("install_failed", str(exc)) from None
        self.stage("rebooting")
        self.event("rebooting")
        self.tidy()
        self.request_reboot()

    def download(self, manifest: Manifest, part: Path) -> None:
        for other in part.parent.glob("*") if part.parent.exists() else ():
            if other != part:
                other.unlink(missing_ok=True)  # an older job's leftovers
        fetch = Download(
            url=self.job["url"],
            part=part,
            size=manifest.size,
            auth=self.credentials,
            stopping=self.stopping,
            give_up_after=self.give_up_after,
            progress=lambda have: self.progress(have, manifest.size),
        )
        try:
            fetch.run()
        except DownloadFailed as exc:
            raise Failure("download_failed", str(exc)) from None
        self.check(manifest, part)

    def check(self, manifest: Manifest, part: Path) -> None:
        """Signature, expiry and the artifact's bytes again, right before they are used."""
        try:
            verify(manifest, part, self.trusted(), hardware=self.slots.hardware)
        except Refused as exc:
            part.unlink(missing_ok=True)
            raise Failure(exc.code, str(exc)) from None

    def progress(self, have: int, size: int) -> None:
        percent = min(100, have * 100 // size)
        now = time.monotonic()
        if percent == self.sent_percent:
            return
        if (
            percent >= self.sent_percent + PROGRESS_STEP
            or percent == 100
            or (now - self.sent_at >= PROGRESS_SECONDS)
        ):
            self.sent_percent, self.sent_at = percent, now
            self.event("downloading", percent=percent)

    def judge_trial(self) -> None:
        """Running a trial slot: its health check decides, unless a verdict was already
        recorded before the agent died (then it is only carried out)."""
        job = self.job or {}
        if job.get("stage") == "committing":
            verdict = Verdict(True)
        elif job.get("stage") == "rolling_back":
            verdict = Verdict(False, job["reason"], job["detail"])
        else:
            self.stage("verifying")
            self.event("verifying")
            verdict = self.slots.health_check()
        if verdict.ok:
            self.stage("committing")
            self.slots.commit()
            self.finish("succeeded")
            return
        self.stage("rolling_back", reason=verdict.reason, detail=verdict.detail)
        self.slots.rollback()
        self.request_reboot()  # back into the old slot; after_boot then says rolled_back

    # --- state and events --------------------------------------------------------------

    def save(self, job: dict) -> None:
        with self.lock:
            write_atomically(self.job_file, json.dumps(job).encode())
            self.job = job

    def stage(self, stage: str, **fields: str) -> None:
        with self.lock:
            if self.job is not None:
                self.save({**self.job, **fields, "stage": stage})

    def finish(self, state: str, reason: str = "", detail: str = "") -> None:
        with self.lock:
            if self.job is None:
                log.info("%s: a trial slot ended %s without a job on record", self.device, state)
                return
            self.save(
                {**self.job, "stage": state, "reason": reason, "detail": detail, "reported": False}
            )
        log.info("%s: OTA job %s %s %s", self.device, self.job["job"], state, reason)
        self.event(state, reason=reason, detail=detail)
        self.tidy()

    def tidy(self) -> None:
        shutil.rmtree(self.root / "download", ignore_errors=True)

    def event(self, state: str, **extra) -> None:
        job = self.job or {}
        self.queue_event(job.get("job", ""), state, version=job.get("version", ""), **extra)

    def queue_event(self, job: str, state: str, *, version: str, **extra) -> None:
        data = {
            "job": job,
            "state": state,
            "version": version,
            "running": self.slots.running_version(),
        }
        data.update({k: v for k, v in extra.items() if v != ""})
        self.events.put(("ota", data))
