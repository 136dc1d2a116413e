"""Making releases: sign an image into artifact + manifest, and sample images for tests.

The image format the simulated HAL installs (docs/ota.md): a tar.gz whose root holds VERSION
(the version, one line) and an executable `healthcheck` that the device runs after switching
to the new slot: exit 0 commits, anything else (or 30 s) rolls back.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .manifest import CHANNELS, HARDWARE, Manifest, Refused, iso, parse_version
from .signing import key_id_of, load_private_key, sign
from .verify import measure

GOOD_HEALTHCHECK = "#!/bin/sh\n# The new image's self-test: it passes.\nexit 0\n"
BROKEN_HEALTHCHECK = (
    "#!/bin/sh\n# A release that boots but fails its own self-test.\n"
    'echo "self-test failed: scanner driver did not start" >&2\nexit 1\n'
)


def build_release(
    *,
    image: Path,
    version: str,
    hardware: str,
    channel: str,
    expires_days: float,
    key: Path,
    out: Path,
    now: datetime | None = None,
) -> tuple[Path, Path]:
    """Copy `image` to out/<hardware>-<version>.tar.gz and write a signed manifest beside it
    (out/<hardware>-<version>.manifest.json). Returns (manifest, artifact)."""
    parse_version(version)
    if hardware not in HARDWARE:
        raise Refused("wrong_hardware", f"hardware {hardware!r} is unknown ({', '.join(HARDWARE)})")
    if channel not in CHANNELS:
        raise Refused("malformed", f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if expires_days <= 0:
        raise Refused("malformed", "--expires-days must be above 0")
    private = load_private_key(key)
    out.mkdir(parents=True, exist_ok=True)
    artifact = out / f"{hardware}-{version}{image_suffix(image)}"
    if image.resolve() != artifact.resolve():
        shutil.copyfile(image, artifact)
    size, digest = measure(artifact)
    created = now or datetime.now(UTC)
    unsigned = Manifest(
        version=version,
        hardware=hardware,
        channel=channel,
        sha256=digest,
        size=size,
        created=iso(created),
        expires=iso(created + timedelta(days=expires_days)),
        key_id=key_id_of(private.public_key()),
        artifact=artifact.name,
    )
    signed = Manifest(**{**unsigned.signed_fields(), "signature": sign(private, unsigned.signed_bytes())})
    manifest = out / f"{hardware}-{version}.manifest.json"
    manifest.write_text(signed.to_json())
    return manifest, artifact


def image_suffix(image: Path) -> str:
    name = image.name
    for suffix in (".tar.gz", ".tgz", ".whl"):
        if name.endswith(suffix):
            return suffix
    return image.suffix or ".img"


def sample_image(
    *, version: str, out: Path, broken: bool = False, payload_bytes: int = 0
) -> Path:
    """A tar.gz image: VERSION, healthcheck (passing, or failing when `broken`), and
    `payload_bytes` of incompressible filler (benchmarks want a realistic size)."""
    parse_version(version)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w:gz", compresslevel=1) as tar:
        add_file(tar, "VERSION", f"{version}\n".encode(), 0o644)
        add_file(tar, "healthcheck", (BROKEN_HEALTHCHECK if broken else GOOD_HEALTHCHECK).encode(), 0o755)
        if payload_bytes:
            add_file(tar, "payload.bin", filler(payload_bytes, seed=version), 0o644)
    return out


def add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), mode, 0
    tar.addfile(info, io.BytesIO(data))


def filler(size: int, *, seed: str) -> bytes:
    """Deterministic bytes gzip cannot shrink (sha256 in counter mode), so an N-byte payload
    makes an image of about N bytes."""
    block, out, counter = hashlib.sha256(seed.encode()).digest(), bytearray(), 0
    while len(out) < size:
        out += hashlib.sha256(block + counter.to_bytes(8, "big")).digest()
        counter += 1
    return bytes(out[:size])


def read_image_version(image: Path) -> str:
    """The VERSION inside a sample-format image (for checks that the image matches its manifest)."""
    with tarfile.open(image, "r:gz") as tar:
        member = tar.extractfile("VERSION")
        if member is None:
            raise Refused("malformed", "the image has no VERSION file")
        return member.read().decode().strip()


__all__ = ["build_release", "read_image_version", "sample_image"]
