"""The last lines of a log file, read from its end: a 2 GB log costs the same as a small one."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tail:
    lines: list[str]
    file_size: int
    # Fewer lines than asked because of the size cap, or the first line is cut at its start.
    clipped: bool


def tail(path: Path, *, lines: int, max_bytes: int, max_json_bytes: int | None = None) -> Tail:
    """The last `lines` lines of `path`, from at most its last `max_bytes` bytes.

    `max_json_bytes` bounds the lines as JSON strings (control bytes and non-ASCII grow up to
    6x when escaped), so a result meant for one tunnel frame fits in it.
    """
    with path.open("rb") as log:
        size = os.fstat(log.fileno()).st_size
        start = max(0, size - max_bytes)
        log.seek(start)
        chunk = log.read(size - start)
    text = chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
    found = text.split("\n")
    if found and found[-1] == "":
        found.pop()  # the newline ending the last line
    cut_at_start = start > 0
    if cut_at_start and found:
        found = found[1:] if len(found) > lines else found  # the first line began before our window
    kept = found[-lines:]
    if max_json_bytes is not None:
        kept = fitting(kept, max_json_bytes)
    clipped = len(kept) < min(lines, len(found)) or (cut_at_start and len(kept) == len(found))
    return Tail(lines=kept, file_size=size, clipped=clipped)


def fitting(lines: list[str], max_json_bytes: int) -> list[str]:
    """The newest lines whose JSON encoding (as a list) stays within max_json_bytes."""
    total, first = 2, len(lines)
    for index in range(len(lines) - 1, -1, -1):
        total += len(json.dumps(lines[index])) + 1
        if total > max_json_bytes:
            break
        first = index
    if first == len(lines) and lines:
        # One line too long on its own: keep its end, cut so that even 6x escaping fits.
        return [lines[-1][-(max_json_bytes // 6 - 2) :]]
    return lines[first:]
