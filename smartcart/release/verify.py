"""The one verifier: the cloud on upload, the store before caching, the agent before install.

Order matters: the manifest's shape, then its signature (nothing unsigned is believed), then
what it claims (hardware, expiry, version), then the artifact against the signed sha256 and
size. The first failure is the answer.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from .manifest import HARDWARE, Manifest, Refused, compare_versions, parse_version
from .signing import TrustSet

CHUNK = 1024 * 1024


def verify_manifest(
    raw: bytes | str | dict | Manifest,
    trust: TrustSet,
    *,
    hardware: str | None = None,
    current_version: str | None = None,
    now: datetime | None = None,
) -> Manifest:
    """The manifest if it is well formed, signed by a trusted key, for `hardware` (when given),
    unexpired and newer than `current_version` (when given); else Refused."""
    manifest = raw if isinstance(raw, Manifest) else Manifest.parse(raw)
    if isinstance(raw, Manifest):
        manifest.check_shape()
    trust.check(manifest.key_id, manifest.signature, manifest.signed_bytes())
    if manifest.hardware not in HARDWARE:
        raise Refused(
            "wrong_hardware",
            f"hardware {manifest.hardware!r} is unknown (known: {', '.join(HARDWARE)})",
        )
    if hardware is not None and manifest.hardware != hardware:
        raise Refused(
            "wrong_hardware", f"the release is for {manifest.hardware}, this is {hardware}"
        )
    moment = now or datetime.now(UTC)
    if manifest.expires_at <= moment:
        raise Refused("expired", f"the release expired at {manifest.expires}")
    if current_version is not None:
        parse_version(current_version)
        if compare_versions(manifest.version, current_version) <= 0:
            raise Refused(
                "not_newer",
                f"version {manifest.version} is not newer than {current_version}, "
                "the version deployed",
            )
    return manifest


def verify_artifact(manifest: Manifest, artifact: Path | bytes) -> None:
    """The artifact is exactly the signed size and sha256; else Refused."""
    size, digest = measure(artifact)
    if size != manifest.size:
        raise Refused(
            "size_mismatch", f"the artifact is {size} bytes, the manifest says {manifest.size}"
        )
    if digest != manifest.sha256:
        raise Refused(
            "sha256_mismatch", "the artifact's sha256 is not the one the manifest signs"
        )


def measure(artifact: Path | bytes) -> tuple[int, str]:
    if isinstance(artifact, bytes):
        return len(artifact), hashlib.sha256(artifact).hexdigest()
    digest, size = hashlib.sha256(), 0
    try:
        with open(artifact, "rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        raise Refused("malformed", f"the artifact {artifact} cannot be read: {exc.strerror}") from None
    return size, digest.hexdigest()


def verify(
    raw: bytes | str | dict | Manifest,
    artifact: Path | bytes | None,
    trust: TrustSet,
    *,
    hardware: str | None = None,
    current_version: str | None = None,
    now: datetime | None = None,
) -> Manifest:
    """verify_manifest, then verify_artifact when an artifact is given."""
    manifest = verify_manifest(
        raw, trust, hardware=hardware, current_version=current_version, now=now
    )
    if artifact is not None:
        verify_artifact(manifest, artifact)
    return manifest
