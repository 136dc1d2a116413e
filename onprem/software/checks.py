"""Is a version of the store healthy? A probe web of the new release on a spare port, before
the switch; the store's own /healthz after it.

"Healthy" is relative: the new version must answer /healthz with its own version and may fail
no component the running store does not fail too (a broker that is down right now is not the
new release's fault, and must not roll every update back).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
from django.conf import settings

from .layout import release_env

log = logging.getLogger(__name__)
POLL_S = 0.5
DEGRADED_FOR_S = 5.0  # a new failing component this long is a verdict, not a warm-up


@dataclass(frozen=True)
class Health:
    answered: bool
    version: str = ""
    failing: frozenset[str] = frozenset()
    detail: str = ""


def read_health(base_url: str) -> Health:
    try:
        answer = httpx.get(f"{base_url}/healthz", timeout=5.0)
        body = answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        return Health(False, detail=f"no answer from {base_url}/healthz: {exc}")
    components = body.get("components") or {}
    failing = frozenset(n for n, c in components.items() if not (c or {}).get("ok"))
    detail = "; ".join(f"{n}: {components[n].get('detail', '')}" for n in sorted(failing))
    return Health(True, str(body.get("version", "")), failing, detail)


def verdict(health: Health, version: str, allowed: frozenset[str]) -> str:
    """'' when `health` is `version` failing nothing beyond `allowed`, else why not."""
    if not health.answered:
        return health.detail
    if health.version != version:
        return f"/healthz reports version {health.version or '(none)'}, not {version}"
    new = health.failing - allowed
    if new:
        return f"/healthz reports failing components: {health.detail}"
    return ""


def wait_healthy(
    base_url: str, version: str, *, allowed: frozenset[str], within: float, gone=lambda: ""
) -> str:
    """'' once `base_url` is healthy at `version`, else the last reason after `within` seconds
    (or sooner, once it has answered with a new failing component for DEGRADED_FOR_S)."""
    deadline = time.monotonic() + within
    degraded_since = None
    reason = "no answer yet"
    while time.monotonic() < deadline:
        if exited := gone():
            return exited
        health = read_health(base_url)
        reason = verdict(health, version, allowed)
        if not reason:
            return ""
        if health.answered and health.version == version:
            degraded_since = degraded_since or time.monotonic()
            if time.monotonic() - degraded_since >= DEGRADED_FOR_S:
                return reason
        time.sleep(POLL_S)
    return f"not healthy within {within:.0f} s: {reason}"


def running_failures() -> frozenset[str]:
    """The components the running store fails right now (nothing known: none allowed)."""
    health = read_health(settings.ONPREM_URL)
    return health.failing if health.answered else frozenset()


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def probe(lib: Path, version: str, *, allowed: frozenset[str], log_file: Path) -> str:
    """Start the release at `lib` as a web on a spare port and check its /healthz; '' when
    healthy, else why not. The probe is always stopped."""
    port = spare_port()
    argv = [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "onprem.asgi:application",
    ]
    log_file.parent.mkdir(parents=True, exist_ok=True)
    with log_file.open("ab") as out:
        # cwd: daphne puts "." on sys.path, and the release dir holds nothing but the release.
        web = subprocess.Popen(
            argv,
            env=release_env(os.environ, lib),
            cwd=lib.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        return wait_healthy(
            f"http://127.0.0.1:{port}",
            version,
            allowed=allowed,
            within=settings.SOFTWARE_HEALTH_SECONDS,
            gone=lambda: exited(web, log_file),
        )
    finally:
        stop(web)


def exited(process: subprocess.Popen, log_file: Path) -> str:
    code = process.poll()
    if code is None:
        return ""
    return f"the new version exited with code {code} before it was healthy; see {log_file}"


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
