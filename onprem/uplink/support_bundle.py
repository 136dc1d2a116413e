"""Support bundles: one tar.gz of what ops needs to understand a store, with secrets taken out.

Built on the store's disk by `action.support_bundle`, downloaded through the remote-access
proxy from GET /api/v1/support-bundles/<id>/ (scope ops). The newest KEEP bundles younger
than MAX_AGE are kept; building a new one prunes the rest.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import secrets
import tarfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import installation, logtail
from .redaction import known_secrets, redacted_settings, scrub

log = logging.getLogger(__name__)
BUNDLE_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{8}$")
SUFFIX = ".tar.gz"
KEEP = 5
MAX_AGE = timedelta(hours=24)
LOG_LINES = 5000
LOG_BYTES = 1024 * 1024  # per component
LOG_BUDGET = 8 * 1024 * 1024  # all components together: a bundle stays a few MB compressed


@dataclass(frozen=True)
class Bundle:
    bundle_id: str
    path: Path
    size: int
    sha256: str

    def as_result(self) -> dict:
        return {
            "ok": True,
            "bundle_id": self.bundle_id,
            "size": self.size,
            "sha256": self.sha256,
            "download_path": f"/api/v1/support-bundles/{self.bundle_id}/",
            "expires_after_s": int(MAX_AGE.total_seconds()),
            "kept": KEEP,
        }


def bundle_dir() -> Path:
    path = Path(settings.SUPPORT_BUNDLE_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def build_bundle() -> Bundle:
    """Write a new support bundle, prune old ones, and say where to download it."""
    now = timezone.now()
    bundle_id = f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}"
    final = bundle_dir() / f"{bundle_id}{SUFFIX}"
    partial = final.with_name(
        final.name + ".part"
    )  # never served: the download needs the final name
    hidden = known_secrets()
    try:
        with tarfile.open(partial, "w:gz") as tar:
            for name, data in members(bundle_id, hidden):
                add(tar, name, data)
        partial.rename(final)
    finally:
        partial.unlink(missing_ok=True)
    prune(keep=final)
    size, digest = final.stat().st_size, sha256(final)
    log.info("support bundle %s built: %d bytes", bundle_id, size)
    return Bundle(bundle_id=bundle_id, path=final, size=size, sha256=digest)


def members(bundle_id: str, hidden: list[str]):
    """(name, bytes) of every file in the bundle; one part that fails becomes its error file."""
    parts = {
        "status.json": installation.status,
        "health.json": installation.health,
        "settings.json": redacted_settings,
        "versions.json": installation.versions,
        "ingest.json": lambda: installation.guarded(installation.ingest_workers),
        "dead_letters.json": lambda: installation.guarded(installation.dead_letter_summary),
    }
    written = []
    for name, read in parts.items():
        data = part(name, read, hidden)
        written.append(name)
        yield name, data
    for name, data in logs(hidden):
        written.append(name)
        yield name, data
    manifest = {
        "bundle_id": bundle_id,
        "store": settings.STORE_ID,
        "created_at": timezone.now().isoformat(),
        "files": written,
        "note": "secrets are replaced by *** (settings by key name, URL passwords, known secret values)",
    }
    yield "manifest.json", json.dumps(manifest, indent=2).encode()


def part(name: str, read, hidden: list[str]) -> bytes:
    try:
        text = json.dumps(read(), indent=2, default=str)
    except Exception as exc:  # one unreadable part must not cost ops the rest of the bundle
        log.exception("support bundle part %s failed", name)
        text = json.dumps({"error": f"{type(exc).__name__}: {exc}"})
    return scrub(text, hidden).encode()


def logs(hidden: list[str]):
    table = installation.components()
    per_log = min(LOG_BYTES, LOG_BUDGET // max(1, len(table)))
    for component in table.values():
        name = f"logs/{component.name}.log"
        try:
            lines = logtail.tail(component.log, lines=LOG_LINES, max_bytes=per_log).lines
        except OSError as exc:
            yield name, f"(no log: {component.log}: {exc.strerror})\n".encode()
            continue
        yield name, "".join(scrub(line, hidden) + "\n" for line in lines).encode()


def add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
    tar.addfile(info, io.BytesIO(data))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def prune(*, keep: Path) -> None:
    """Delete bundles beyond the newest KEEP or older than MAX_AGE (and stale partial files)."""
    folder = bundle_dir()
    bundles = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    oldest = time.time() - MAX_AGE.total_seconds()
    for index, path in enumerate(bundles):
        if path != keep and (index >= KEEP or path.stat().st_mtime < oldest):
            path.unlink(missing_ok=True)
    for path in folder.glob("*.part"):
        if path.stat().st_mtime < time.time() - 3600:  # a build that died an hour ago
            path.unlink(missing_ok=True)


def find_bundle(bundle_id: str) -> Path | None:
    """The bundle file for a well-formed, existing, unexpired id; None otherwise."""
    if not BUNDLE_ID.fullmatch(bundle_id):
        return None
    path = bundle_dir() / f"{bundle_id}{SUFFIX}"
    if not path.is_file() or path.stat().st_mtime < time.time() - MAX_AGE.total_seconds():
        return None
    return path
