"""A file served with HTTP Range (RFC 9110 §14), streamed in chunks, never read whole: the
cloud's release images to stores, a store's cached images to its carts.

A store or a cart resumes a cut download with `Range: bytes=N-`. One range is served (206); a range
that starts past the end is a 416 with `Content-Range: bytes */size`; a header we do not
serve (several ranges, another unit, a malformed one) is ignored, as the RFC allows: the
whole file goes with 200, and the store starts over.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from django.http import JsonResponse, StreamingHttpResponse

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
    """The bytes first..last of the file, a chunk at a time, read in a thread. Under an ASGI
    server the body must be an async iterator: Django reads a synchronous one into memory
    whole before sending it (20 MB per downloading cart)."""
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


def read_span_sync(path: Path, first: int, last: int) -> Iterator[bytes]:
    """read_span for WSGI servers and the test client."""
    with path.open("rb") as stream:
        stream.seek(first)
        left = last - first + 1
        while left > 0 and (chunk := stream.read(min(CHUNK, left))):
            left -= len(chunk)
            yield chunk


def file_response(
    path: Path,
    *,
    size: int,
    range_header: str | None,
    etag: str,
    filename: str | None = None,
    asgi: bool = True,
):
    """200 (whole), 206 (one range) or 416, streamed from `path` (`size` bytes); `asgi`: the
    request came through an ASGI server (HttpRequest has a `scope`)."""
    try:
        span = byte_range(range_header or "", size)
    except Unsatisfiable:
        body = {
            "error": "range_not_satisfiable",
            "detail": f"The range starts past the end of the file's {size} bytes.",
        }
        response = JsonResponse(body, status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    first, last = span or (0, size - 1)
    response = StreamingHttpResponse(
        (read_span if asgi else read_span_sync)(path, first, last),
        status=206 if span else 200,
        content_type="application/octet-stream",
    )
    response["Content-Length"] = str(last - first + 1)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = f'"{etag}"'
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    if span:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return response
