"""Releases the cloud announces (ota.release) and their artifacts, fetched into the cache.

The manifest is verified when the release is recorded (signature, hardware, expiry: nothing is
fetched for a release the store would refuse anyway) and the bytes again once downloaded. A
refused release keeps its reason and its jobs fail with it; a fetch that fails for the network
is retried with backoff and resumes where it stopped.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from smartcart.release import Manifest, Refused

from . import artifacts
from .choices import ArtifactState
from .models import Release

log = logging.getLogger(__name__)
RETRY_CAP_S = 60.0


class ReleaseError(ValueError):
    """A release the store cannot record (a manifest it cannot even read, a clash)."""


def record_release(*, release: int | None, manifest: dict, artifact_path: str) -> Release:
    """The Release for this announcement, created or updated; verified, or refused with the
    reason. The same (hardware, version) with other bytes is a ReleaseError: a release is
    never silently swapped for another image."""
    try:
        parsed = Manifest.parse(manifest)
    except Refused as exc:
        raise ReleaseError(exc.line()) from None
    refused = refusal(manifest)
    with transaction.atomic():
        row = (
            Release.objects.select_for_update()
            .filter(hardware=parsed.hardware, version=parsed.version)
            .first()
        )
        if row and row.sha256 != parsed.sha256:
            raise ReleaseError(
                f"{parsed.hardware} {parsed.version} is already known with other bytes "
                f"(sha256 {row.sha256[:12]}…); a release is never replaced"
            )
        row = row or Release(hardware=parsed.hardware, version=parsed.version)
        fill(row, parsed, manifest, release=release, artifact_path=artifact_path)
        if refused and row.artifact_state != ArtifactState.REFUSED:
            row.artifact_state, row.refused_reason = ArtifactState.REFUSED, refused
        row.save()
    log.info(
        "release recorded %s %s state=%s %s", row.hardware, row.version, row.artifact_state, refused
    )
    return row


def fill(
    row: Release, parsed: Manifest, manifest: dict, *, release: int | None, artifact_path: str
) -> None:
    row.channel, row.manifest, row.sha256, row.size = (
        parsed.channel,
        manifest,
        parsed.sha256,
        parsed.size,
    )
    row.expires = parsed.expires_at
    row.artifact_path = artifact_path or row.artifact_path
    if release is not None:
        row.cloud_release = release


def refusal(manifest: dict) -> str:
    try:
        artifacts.manifest_of(manifest)
    except Refused as exc:
        return f"{exc.code}: {exc}"
    return ""


def due_fetches(now: datetime | None = None) -> QuerySet[Release]:
    now = now or timezone.now()
    return Release.objects.filter(
        artifact_state__in=(ArtifactState.MISSING, ArtifactState.DOWNLOADING)
    ).filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now))


def fetch_release(release: Release) -> str:
    """One attempt to have this release's artifact in the cache; its artifact_state after."""
    if artifacts.verify_cached(release.manifest, release.sha256):
        return mark_cached(release, fetched=0)
    if not release.artifact_path:
        return retry_later(release, "the cloud gave no artifact path", received=0)
    Release.objects.filter(pk=release.pk).update(artifact_state=ArtifactState.DOWNLOADING)
    part = artifacts.partial_path(release.sha256)
    try:
        received = artifacts.download(
            artifacts.cloud_http_url(release.artifact_path), part, size=release.size
        )
    except artifacts.FetchFailed as exc:
        return retry_later(release, str(exc), received=exc.received)
    have = part.stat().st_size if part.exists() else 0
    if have < release.size:
        return retry_later(
            release, f"the cloud sent {have} of {release.size} bytes", received=received
        )
    try:
        artifacts.verify_part(release.manifest, release.sha256)
    except Refused as exc:
        return refuse(release, f"{exc.code}: {exc}", fetched=received)
    return mark_cached(release, fetched=received)


def mark_cached(release: Release, *, fetched: int) -> str:
    Release.objects.filter(sha256=release.sha256).exclude(
        artifact_state=ArtifactState.REFUSED
    ).update(artifact_state=ArtifactState.CACHED, artifact_bytes=release.size, fetch_error="")
    Release.objects.filter(pk=release.pk).update(fetched_bytes=F("fetched_bytes") + fetched)
    log.info(
        "artifact cached %s %s sha256=%s fetched=%d",
        release.hardware,
        release.version,
        release.sha256,
        fetched,
    )
    return ArtifactState.CACHED


def refuse(release: Release, reason: str, *, fetched: int) -> str:
    Release.objects.filter(pk=release.pk).update(
        artifact_state=ArtifactState.REFUSED,
        refused_reason=reason,
        artifact_bytes=0,
        fetched_bytes=F("fetched_bytes") + fetched,
    )
    log.warning("artifact refused %s %s: %s", release.hardware, release.version, reason)
    return ArtifactState.REFUSED


def retry_later(release: Release, error: str, *, received: int) -> str:
    attempts = release.fetch_attempts + 1
    delay = min(RETRY_CAP_S, 2.0 ** min(attempts - 1, 10))
    part = artifacts.partial_path(release.sha256)
    Release.objects.filter(pk=release.pk).update(
        fetch_attempts=attempts,
        fetch_error=error[:500],
        next_fetch_at=timezone.now() + timedelta(seconds=delay),
        artifact_bytes=part.stat().st_size if part.exists() else 0,
        fetched_bytes=F("fetched_bytes") + received,
    )
    log.warning(
        "artifact fetch failed %s %s (attempt %d, again in %.0f s): %s",
        release.hardware,
        release.version,
        attempts,
        delay,
        error,
    )
    return ArtifactState.DOWNLOADING
