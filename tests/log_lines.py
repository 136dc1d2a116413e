"""Capturing log lines as the tier's settings format them (LOGGING's console handler)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from smartcart.logcontext import ContextFilter


@contextmanager
def tier_log_lines() -> Iterator[io.StringIO]:
    """The lines the tier's console handler would write while the block runs (INFO and up)."""
    console = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, ContextFilter) for f in h.filters))
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(console.formatter)
    for f in console.filters:
        handler.addFilter(f)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def lines_with(buffer: io.StringIO, text: str) -> list[str]:
    return [line for line in buffer.getvalue().splitlines() if text in line]
