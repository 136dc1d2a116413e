"""Verbs of releases: upload (verify, keep, announce to every store) and the artifact's file.

An upload is checked by the one verifier every tier uses (smartcart.release), against the
cloud's trust (settings.RELEASE_TRUST), before anything is kept: a refused upload leaves no
file and no row. docs/ota.md, "Releases in the cloud".
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from cloud.commands.services import request_store_commands
from cloud.stores.models import Store
from smartcart import store_commands
from smartcart.release import Manifest, Refused, compare_versions, load_trust, verify

from .models import (
    HARDWARE,
    KIND_OF_HARDWARE,
    CampaignDevice,
    DeviceFirmware,
    Release,
    version_order,
)

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024


def releases_dir() -> Path:
    path = Path(settings.RELEASES_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def trust():
    try:
        return load_trust(settings.RELEASE_TRUST)
    except ValueError as exc:  # a configured key file that cannot be read
        raise Refused("unknown_key", f"the cloud's release trust cannot be read: {exc}") from None


def upload_release(*, manifest: bytes, artifact: Iterable[bytes], uploaded_by: str) -> Release:
    """Verify a signed release and keep it; Refused(code, sentence) when it must not be kept.

    `artifact` is the image's bytes in chunks (an uploaded file's `.chunks()`): written to a
    temporary file beside the releases, measured there, and renamed into place only once
    everything holds. Every store is then told about it (`ota.release`).
    """
    incoming = releases_dir() / f".incoming-{uuid.uuid4().hex}"
    try:
        write_chunks(incoming, artifact)
        checked = verify(manifest, incoming, trust())
        refuse_undeployable(checked)
        release = keep(checked, incoming, uploaded_by)
    finally:
        incoming.unlink(missing_ok=True)
    log.info(
        "release uploaded id=%s %s %s by=%s",
        release.pk,
        release.hardware,
        release.version,
        uploaded_by,
    )
    if release.hardware in KIND_OF_HARDWARE:  # on-prem software goes with onprem.update
        announce(release)
    return release


def write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    with open(path, "wb") as out:
        for chunk in chunks:
            out.write(chunk)


def refuse_undeployable(manifest: Manifest) -> None:
    """The cloud's own rules on top of the verifier's: hardware it rolls out to, and a version
    that is new for that hardware (for devices: newer than any device runs)."""
    if manifest.hardware not in HARDWARE:
        raise Refused(
            "wrong_hardware",
            f"the cloud rolls out to {', '.join(HARDWARE)}, not {manifest.hardware}",
        )
    same = Release.objects.filter(hardware=manifest.hardware, version=manifest.version).first()
    if same is not None:
        raise Refused(
            "not_newer",
            f"{manifest.hardware} {manifest.version} is already uploaded (release {same.pk})",
        )
    # Stores run different on-prem versions; each rollout refuses a store already newer.
    deployed = newest_deployed(manifest.hardware) if manifest.hardware in KIND_OF_HARDWARE else None
    if deployed and compare_versions(manifest.version, deployed) < 0:
        raise Refused(
            "not_newer",
            f"version {manifest.version} is older than {deployed}, which {manifest.hardware} "
            "devices already run",
        )


def newest_deployed(hardware: str) -> str | None:
    """The newest version any store reports running on a device of this hardware."""
    versions = (
        DeviceFirmware.objects.filter(kind=KIND_OF_HARDWARE[hardware])
        .values_list("version", flat=True)
        .distinct()
    )
    readable = [v for v in versions if is_version(v)]
    return max(readable, key=version_order, default=None)


def is_version(text: str) -> bool:
    try:
        version_order(text)
    except ValueError:
        return False
    return len(text.split(".")) == 3


def keep(manifest: Manifest, incoming: Path, uploaded_by: str) -> Release:
    name = f"{manifest.hardware}-{manifest.version}-{manifest.sha256[:12]}"
    target = releases_dir() / name
    os.replace(incoming, target)
    try:
        with transaction.atomic():
            return Release.objects.create(
                hardware=manifest.hardware,
                version=manifest.version,
                version_order=version_order(manifest.version),
                channel=manifest.channel,
                manifest=manifest.to_dict(),
                sha256=manifest.sha256,
                size=manifest.size,
                key_id=manifest.key_id,
                expires=manifest.expires_at,
                artifact_file=name,
                uploaded_by=uploaded_by,
            )
    except IntegrityError:  # the same version uploaded at the same moment by someone else
        if not Release.objects.filter(artifact_file=name).exists():
            target.unlink(missing_ok=True)
        raise Refused(
            "not_newer", f"{manifest.hardware} {manifest.version} is already uploaded"
        ) from None


def release_args(release: Release) -> dict:
    """The `ota.release` store command's args (smartcart/store_commands.py)."""
    return {
        "release": release.pk,
        "manifest": release.manifest,
        "artifact_path": release.artifact_path,
    }


def announce(release: Release) -> int:
    """Tell every registered store about the release (it may fetch it); how many stores."""
    stores = list(Store.objects.order_by("code"))
    if stores:
        request_store_commands(
            stores=stores,
            name="ota.release",
            args=release_args(release),
            ttl_s=store_commands.MAX_TTL_S,
            requested_by=release.uploaded_by,
        )
    return len(stores)


def artifact_file(release: Release) -> Path:
    return releases_dir() / release.artifact_file


def store_firmware(store: Store) -> dict:
    """A store's devices with the version each runs and its update history, newest first."""
    devices: dict[tuple[str, str], dict] = {}
    for row in DeviceFirmware.objects.filter(store=store).order_by("kind", "device"):
        devices[(row.kind, row.device)] = {
            "device": row.device,
            "kind": row.kind,
            "version": row.version,
            "updated_at": row.updated_at,
            "history": [],
        }
    updates = CampaignDevice.objects.filter(store=store).order_by("kind", "device", "-updated_at")
    for update in updates:
        entry = devices.setdefault(
            (update.kind, update.device),
            {
                "device": update.device,
                "kind": update.kind,
                "version": None,
                "updated_at": None,
                "history": [],
            },
        )
        entry["history"].append(
            {
                "campaign": update.campaign_id,
                "state": update.state,
                "reason": update.reason,
                "detail": update.detail,
                "from_version": update.from_version,
                "to_version": update.to_version,
                "requested_by": update.requested_by,
                "updated_at": update.updated_at,
            }
        )
    return {
        "store": store.code,
        "devices": sorted(devices.values(), key=lambda d: (d["kind"], d["device"])),
    }
