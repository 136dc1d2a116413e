"""The store's artifact cache: each image fetched once from the cloud, verified, served with Range.

Files live under VAR_DIR/artifacts/, named by sha256: `<sha256>` once complete and verified,
`<sha256>.part` while it downloads. A cut download resumes from the part's size with
`Range: bytes=N-` (a 200 instead of 206 means the cloud starts over, and so do we). Only a file
that passed smartcart.release.verify against RELEASE_TRUST is renamed into place, so a
bit-flipped or truncated image is never served to a device.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.conf import settings

from smartcart.release import Manifest, Refused, load_trust, verify

log = logging.getLogger(__name__)
TIMEOUT_S = 30.0
HTTP_SCHEMES = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


class FetchFailed(Exception):
    """The cloud could not be reached or would not give the bytes now: try again later.
    `received`: the bytes that did arrive (kept in the part file)."""

    def __init__(self, message: str, received: int = 0):
        super().__init__(message)
        self.received = received


def cache_dir() -> Path:
    path = Path(settings.VAR_DIR) / "artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached_path(sha256: str) -> Path:
    return cache_dir() / sha256


def partial_path(sha256: str) -> Path:
    return cache_dir() / f"{sha256}.part"


def trust():
    return load_trust(settings.RELEASE_TRUST)


def cloud_http_url(path: str) -> str:
    """`path` on the cloud's HTTP side (SMARTCART_CLOUD_URL may be the tunnel's ws:// URL)."""
    parts = urlsplit(settings.CLOUD_URL)
    base = parts.path.rstrip("/")
    return urlunsplit((HTTP_SCHEMES[parts.scheme], parts.netloc, base + path, "", ""))


def download(url: str, part: Path, *, size: int) -> int:
    """Fetch `url` into `part`, resuming from what it holds; the bytes received. FetchFailed
    on a network error or an answer that gives no bytes (the part keeps what arrived)."""
    have = part.stat().st_size if part.exists() else 0
    if have >= size:
        return 0  # complete already: a cut came after the last byte
    headers = {
        "X-SmartCart-Store": settings.STORE_ID,
        "Authorization": f"Bearer {settings.CLOUD_STORE_KEY}",
        **({"Range": f"bytes={have}-"} if have else {}),
    }
    received = 0
    try:
        with httpx.stream("GET", url, headers=headers, timeout=TIMEOUT_S) as answer:
            mode = opening_mode(answer, have)
            with part.open(mode) as out:
                for chunk in answer.iter_bytes():  # as it arrives: a cut keeps every byte received
                    out.write(chunk)
                    received += len(chunk)
                    if out.tell() > size:  # longer than signed: verification will say so
                        break
    except httpx.HTTPError as exc:
        raise FetchFailed(f"{type(exc).__name__}: {exc or 'connection lost'}", received) from None
    return received


def opening_mode(answer: httpx.Response, have: int) -> str:
    if answer.status_code == 206 and have:
        start = content_range_start(answer.headers.get("content-range", ""))
        if start != have:
            raise FetchFailed(f"the cloud resumed at byte {start}, not {have}", 0)
        return "ab"
    if answer.status_code == 200:
        return "wb"  # the whole file: start over
    answer.read()
    raise FetchFailed(f"the cloud answered HTTP {answer.status_code}: {answer.text[:200]}", 0)


def content_range_start(header: str) -> int | None:
    found = re.fullmatch(r"bytes (\d+)-\d+/\d+", header.strip())
    return int(found.group(1)) if found else None


def verify_part(manifest: dict, sha256: str) -> Path:
    """Verify the complete part and move it into the cache; Refused (the part deleted) if it
    is not the signed image."""
    part = partial_path(sha256)
    try:
        verify(manifest, part, trust())
    except Refused:
        part.unlink(missing_ok=True)
        raise
    final = cached_path(sha256)
    part.replace(final)
    return final


def verify_cached(manifest: dict, sha256: str) -> bool:
    """Whether the cache already holds this image, verified again (another release with the
    same bytes, or a store restarted after caching it)."""
    final = cached_path(sha256)
    if not final.exists():
        return False
    try:
        verify(manifest, final, trust())
    except Refused as exc:
        log.warning("cached artifact %s fails verification (%s): fetched again", sha256, exc.line())
        final.unlink(missing_ok=True)
        return False
    return True


def manifest_of(raw: dict) -> Manifest:
    return verify(raw, None, trust())


