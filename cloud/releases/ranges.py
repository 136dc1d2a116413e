"""An artifact served with HTTP Range (RFC 9110 §14), streamed in chunks, never read whole.

A store resumes a cut download with `Range: bytes=N-`. One range is served (206); a range
that starts past the end is a 416 with `Content-Range: bytes */size`; a header we do not
serve (several ranges, another unit, a malformed one) is ignored, as the RFC allows: the
whole file goes with 200, and the store starts over.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from pathlib import Path

from django.http import HttpResponse, StreamingHttpResponse

CHUNK = 256 * 1024
ONE_RANGE = re.compile(r"bytes=(\d{1,19})?-(\d{1,19})?")


class Unsatisfiable(Exception):
    """The range starts at or past the end of the file."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive, None for the whole file; Unsatisfiable if it cannot be served."""
    match = ONE_RANGE.fullmatch(header.strip()) if header else None
    if match is None or match.group(1) is None and match.group(2) is None:
        return None
    first, last = match.group(1), match.group(2)
    if first is None:  # bytes=-N: the last N bytes
        length = int(last)
        if length == 0:
            raise Unsatisfiable
        return max(0, size - length), size - 1
    first = int(first)
    last = size - 1 if last is None else min(int(last), size - 1)
    if first >= size:
        raise Unsatisfiable
    if last < first:
        return None  # bytes=5-2 is not a valid range: ignored
    return first, last


async def read_span(path: Path, first: int, last: int) -> AsyncIterator[bytes]:
    """The bytes first..last of the file, a chunk at a time, read in a thread."""
    stream = await asyncio.to_thread(open, path, "rb")
    try:
        await asyncio.to_thread(stream.seek, first)
        left = last - first + 1
        while left > 0:
            chunk = await asyncio.to_thread(stream.read, min(CHUNK, left))
            if not chunk:
                return
            left -= len(chunk)
            yield chunk
    finally:
        stream.close()


def file_response(path: Path, *, size: int, range_header: str, filename: str, etag: str):
    """200 (whole), 206 (one range) or 416, streamed from `path` (`size` bytes)."""
    try:
        span = byte_range(range_header, size)
    except Unsatisfiable:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = span or (0, size - 1)
    response = StreamingHttpResponse(
        read_span(path, first, last),
        status=206 if span else 200,
        content_type="application/octet-stream",
    )
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = f'"{etag}"'
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if span:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
