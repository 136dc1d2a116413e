"""The `onprem.update` store command (run by the uplink, onprem/uplink/commands.py registry):
record the update in the journal and start the updater detached; answer at once.

The cloud sends a command at least once: the same rollout again is answered from the journal
and never starts a second update.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

from django.conf import settings

from onprem.updates.artifacts import cloud_http_url
from onprem.uplink.commands import StoreCommandRefused
from smartcart.software import running_version

from . import journal
from .layout import current_env

log = logging.getLogger(__name__)
SHA256 = re.compile(r"^[0-9a-f]{64}$")
VERSION = re.compile(r"^\d{1,6}\.\d{1,6}\.\d{1,6}$")
MAX_WHEEL_BYTES = 500 * 1024 * 1024


def onprem_update(args: dict) -> dict:
    rollout, release, url = update_args(args)
    releases = settings.RELEASES_DIR
    job = journal.load(releases)
    if job is not None and job["rollout"] == rollout:
        if not journal.is_final(job):
            ensure_updater(releases)
        return answer(job)
    if not journal.is_final(job):
        raise StoreCommandRefused(
            f"the update to {job['version']} (rollout {job['rollout']}) is still under way "
            f"({job['state']}, step {job['step']}): wait for it to end",
            rollout=job["rollout"],
        )
    job = journal.new_job(
        releases, rollout=rollout, release=release, url=url, from_version=running_version()
    )
    start_updater()
    return answer(job)


def answer(job: dict) -> dict:
    return {
        "rollout": job["rollout"],
        "version": job["version"],
        "state": job["state"],
        "step": job["step"],
        "reason": job["reason"],
    }


def update_args(args: dict) -> tuple[int, dict, str]:
    """(rollout, release, the artifact's URL): StoreCommandRefused with a sentence otherwise."""
    unknown = sorted(set(args) - {"rollout", "release"})
    if unknown:
        raise StoreCommandRefused(
            f"onprem.update takes rollout and release, not {', '.join(unknown)}"
        )
    rollout = args.get("rollout")
    if not isinstance(rollout, int) or isinstance(rollout, bool) or rollout < 1:
        raise StoreCommandRefused(f"rollout must be a positive integer, not {rollout!r}")
    release = args.get("release")
    if not isinstance(release, dict):
        raise StoreCommandRefused(
            "release must be an object: version, hardware, sha256, size, manifest, url"
        )
    return rollout, release_args(release), artifact_url(release.get("url"))


def release_args(release: dict) -> dict:
    version, sha256, size = release.get("version"), release.get("sha256"), release.get("size")
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise StoreCommandRefused(f"release version must be MAJOR.MINOR.PATCH, not {version!r}")
    if release.get("hardware") != "onprem-v1":
        raise StoreCommandRefused(
            f"release hardware must be onprem-v1, not {release.get('hardware')!r}"
        )
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise StoreCommandRefused("release sha256 must be 64 lowercase hex digits")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_WHEEL_BYTES:
        raise StoreCommandRefused(f"release size must be 1..{MAX_WHEEL_BYTES} bytes, not {size!r}")
    if not isinstance(release.get("manifest"), dict):
        raise StoreCommandRefused("release manifest must be an object (the signed manifest)")
    return {
        "version": version,
        "hardware": "onprem-v1",
        "sha256": sha256,
        "size": size,
        "manifest": release["manifest"],
    }


def artifact_url(url: object) -> str:
    """An absolute http(s) URL, or a path under the cloud (SMARTCART_CLOUD_URL)."""
    if isinstance(url, str) and url.startswith("/") and len(url) <= 500:
        return cloud_http_url(url)
    if isinstance(url, str) and re.match(r"^https?://", url) and len(url) <= 1000:
        return url
    raise StoreCommandRefused(
        "release url must be the artifact's URL (http(s)://… or /path on the cloud)"
    )


def start_updater() -> None:
    """The updater as a process of its own session: restarting any component (the uplink that
    started it too) does not stop it."""
    log_file = settings.LOG_DIR / "software-update.log"
    log_file.parent.mkdir(parents=True, exist_ok=True)
    env = current_env(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "onprem.settings")
    env["SMARTCART_RELEASES_DIR"] = str(settings.RELEASES_DIR)  # the journal this store reads
    with log_file.open("ab") as out:
        subprocess.Popen(
            [sys.executable, "-m", "django", "software_update"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    log.info("software updater started (log %s)", log_file)


def ensure_updater(releases) -> None:
    if not journal.updater_running(releases):
        start_updater()


COMMANDS = {"onprem.update": onprem_update}
