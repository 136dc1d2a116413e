"""A resumable artifact download: HTTP GET with `Range: bytes=<have>-`, appended to a .part file.

The .part file on disk is the only progress record, so a cut connection, a killed agent or a
rebooted device all resume from the bytes already written. A 206 answer appends; a 200 means
the server ignored the range and the download starts over; 416 means the server has nothing
after the bytes already here. Network errors and bad answers are retried with backoff until `give_up_after`
seconds pass without a single new byte.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

log = logging.getLogger(__name__)

BACKOFF_MIN, BACKOFF_MAX = 0.5, 15.0


class Stopped(Exception):
    """The agent is stopping or rebooting: the download resumes at the next start."""


class DownloadFailed(Exception):
    """No byte arrived for `give_up_after` seconds."""


class RetryableError(Exception):
    """A bad answer worth asking again (an error status, a range the server got wrong)."""


class Download:
    """One artifact into `part`, `size` bytes long; `progress(have)` after every chunk."""

    def __init__(
        self,
        *,
        url: str,
        part: Path,
        size: int,
        auth: tuple[str, str] | None,
        stopping: threading.Event,
        progress: Callable[[int], None] = lambda have: None,
        give_up_after: float = 300.0,
        timeout: float = 10.0,
    ) -> None:
        self.url, self.part, self.size, self.stopping = url, part, size, stopping
        self.auth = httpx.BasicAuth(*auth) if auth else None
        self.progress, self.give_up_after, self.timeout = progress, give_up_after, timeout

    def have(self) -> int:
        try:
            return self.part.stat().st_size
        except FileNotFoundError:
            return 0

    def run(self) -> Path:
        """The .part file once the server has sent all it has (its bytes not yet verified: a
        server whose file is shorter or longer than signed ends here too, and the verifier says
        size_mismatch), or DownloadFailed / Stopped."""
        self.part.parent.mkdir(parents=True, exist_ok=True)
        last_byte_at, delay = time.monotonic(), BACKOFF_MIN
        with httpx.Client(timeout=self.timeout, follow_redirects=True) as client:
            while (before := self.have()) < self.size:
                if self.stopping.is_set():
                    raise Stopped()
                try:
                    self.fetch(client, before)
                    break  # an answer that ended cleanly: the server has nothing more to send
                except (httpx.HTTPError, OSError, RetryableError) as exc:
                    if self.have() > before:
                        last_byte_at, delay = time.monotonic(), BACKOFF_MIN
                    self.wait_or_give_up(exc, last_byte_at, delay)
                    delay = min(delay * 2, BACKOFF_MAX)
        return self.part

    def wait_or_give_up(self, exc: Exception, last_byte_at: float, delay: float) -> None:
        waited = time.monotonic() - last_byte_at
        if waited >= self.give_up_after:
            raise DownloadFailed(
                f"no byte of {self.url} for {waited:.0f} s; last error: {type(exc).__name__}: {exc}"
            )
        log.info(
            "download of %s broke at %d bytes (%s: %s); again in %.1fs",
            self.url,
            self.have(),
            type(exc).__name__,
            exc,
            delay,
        )
        if self.stopping.wait(delay):
            raise Stopped()

    def fetch(self, client: httpx.Client, have: int) -> None:
        headers = {"Range": f"bytes={have}-"} if have else {}
        with client.stream("GET", self.url, headers=headers, auth=self.auth) as answer:
            mode = self.mode(answer, have)
            if mode is None:
                return
            with open(self.part, mode) as out:
                for chunk in answer.iter_raw():
                    out.write(chunk)
                    out.flush()  # what is written survives a killed process; no fsync per chunk
                    self.progress(out.tell())
                    if out.tell() > self.size:
                        break
                    if self.stopping.is_set():
                        raise Stopped()

    def mode(self, answer: httpx.Response, have: int) -> str | None:
        """How to write this answer's body: "ab" (resumed), "wb" (from the start), None (done)."""
        if answer.status_code == 206:
            start = content_range_start(answer.headers.get("content-range", ""))
            if start != have:
                raise RetryableError(f"asked for bytes from {have}, got a range from {start}")
            return "ab"
        if answer.status_code == 200:
            return "wb"
        if answer.status_code == 416:
            return None  # nothing after what we have: theirs is no longer (the verifier judges)
        raise RetryableError(f"HTTP {answer.status_code} from {self.url}")


def content_range_start(header: str) -> int | None:
    """`bytes 100-199/200` -> 100."""
    try:
        unit, spec = header.split(" ", 1)
        return int(spec.split("-", 1)[0]) if unit == "bytes" else None
    except ValueError:
        return None
