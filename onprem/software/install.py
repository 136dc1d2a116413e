"""The updater's first steps: fetch the release's wheel through the store's own outbound
connection (the store key, Range resume), verify it, ask the compatibility table, install it
into its release directory. Nothing here touches the running store."""

from __future__ import annotations

import importlib
import logging
import shutil
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

from onprem.updates import artifacts
from smartcart.release import Refused, load_trust, verify
from smartcart.tunnel_frames import VERSION as TUNNEL_PROTOCOL

from .layout import release_lib

log = logging.getLogger(__name__)
HARDWARE = "onprem-v1"
FETCH_ATTEMPTS = 6
FETCH_PAUSE_CAP_S = 20.0
PIP_SECONDS = 600


class StepFailed(Exception):
    """A step that cannot go on; `refused`: the release itself is not acceptable (its
    signature, its version, the compatibility table), as opposed to a failure of the store."""

    def __init__(self, reason: str, *, refused: bool = False):
        super().__init__(reason)
        self.refused = refused


def wheel_name(version: str) -> str:
    return f"smartcart-{version}-py3-none-any.whl"


def download_path(releases: Path, job: dict) -> Path:
    return releases / "downloads" / f"{job['release']['sha256']}.part"


def fetch(releases: Path, job: dict) -> Path:
    """The artifact, complete (its size), resuming a cut download; StepFailed after a few
    tries a minute or so apart in all."""
    part = download_path(releases, job)
    part.parent.mkdir(parents=True, exist_ok=True)
    size = int(job["release"]["size"])
    for attempt in range(FETCH_ATTEMPTS):
        try:
            artifacts.download(job["url"], part, size=size)
        except artifacts.FetchFailed as exc:
            log.warning("software update: download attempt %d failed: %s", attempt + 1, exc)
            if attempt == FETCH_ATTEMPTS - 1:
                raise StepFailed(f"the release could not be downloaded: {exc}") from None
            time.sleep(min(FETCH_PAUSE_CAP_S, 2.0 * 2**attempt))
            continue
        if part.stat().st_size >= size:
            return part
    raise StepFailed("the release could not be downloaded: the cloud sent too few bytes")


def check_signature(releases: Path, job: dict, running: str) -> Path:
    """The verified wheel, under the name pip needs; StepFailed(refused) when it is not the
    signed on-prem release newer than `running`."""
    part = download_path(releases, job)
    wheel = releases / "downloads" / wheel_name(job["version"])
    if not part.exists() and wheel.exists():
        part = wheel  # verified once already: the updater stopped right after; check again
    try:
        verify(
            job["release"]["manifest"],
            part,
            load_trust(settings.RELEASE_TRUST),
            hardware=HARDWARE,
            current_version=running,
        )
    except Refused as exc:
        part.unlink(missing_ok=True)
        raise StepFailed(exc.line(), refused=True) from None
    part.replace(wheel)
    return wheel


def check_compat(version: str) -> None:
    """StepFailed(refused) when the compatibility table says the store's devices or its cloud
    would not work with `version` (smartcart/compat.py; absent: nothing to check against)."""
    try:
        compat = importlib.import_module("smartcart.compat")
    except ImportError:
        log.warning("software update: no compatibility table (smartcart.compat): not checked")
        return
    problems = compat.check_update(
        version, firmware=store_firmware(), cloud_protocol=TUNNEL_PROTOCOL, store=settings.STORE_ID
    )
    if problems:
        raise StepFailed("; ".join(problems), refused=True)


def store_firmware() -> dict[str, dict[str, int]]:
    """{hardware: {version: devices running it}} of the store's carts and racks."""
    from onprem.updates.report import current_firmware

    counts: dict[str, dict[str, int]] = {}
    for (kind, _device), version in current_firmware().items():
        if version:
            per = counts.setdefault(f"{kind}-v1", {})
            per[version] = per.get(version, 0) + 1
    return counts


def install(releases: Path, version: str) -> Path:
    """pip-install the verified wheel into <releases>/<version>/lib (its dependencies are the
    base install's); the lib directory."""
    wheel = releases / "downloads" / wheel_name(version)
    lib = release_lib(releases, version)
    staged = lib.with_name("lib.tmp")
    shutil.rmtree(staged, ignore_errors=True)
    argv = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--no-deps",
        "--no-index",
        "--no-compile",
        "--disable-pip-version-check",
        "--quiet",
        "--target",
        str(staged),
        str(wheel),
    ]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=PIP_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StepFailed(f"pip could not install the release: {exc}") from None
    if done.returncode:
        raise StepFailed(f"pip could not install the release: {done.stderr.strip()[-500:]}")
    if not (staged / f"smartcart-{version}.dist-info").is_dir():
        raise StepFailed(f"the wheel installed no smartcart-{version}.dist-info")
    shutil.rmtree(lib, ignore_errors=True)
    staged.replace(lib)
    return lib


def prune(releases: Path, *, keep: set[str], backups: int = 3) -> None:
    """Remove release dirs not in `keep`, wheels of other versions and all but the newest
    `backups` database backups: a store box's disk is small and every update adds ~10 MB."""
    for entry in releases.iterdir():
        if (entry / "lib").is_dir() and entry.name not in keep:
            shutil.rmtree(entry, ignore_errors=True)
    wanted = {wheel_name(v) for v in keep}
    for wheel in (releases / "downloads").glob("*.whl"):
        if wheel.name not in wanted:
            wheel.unlink(missing_ok=True)
    taken = sorted((releases / "backups").glob("*.db"), key=lambda p: p.stat().st_mtime)
    for old in taken[:-backups] if backups else taken:
        old.unlink(missing_ok=True)
