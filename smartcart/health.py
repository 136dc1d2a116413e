"""Running a tier's health checks: each timed, one failing check never hides the others."""

from __future__ import annotations

import time
from collections.abc import Callable


def run_checks(checks: dict[str, Callable[[], dict]]) -> dict:
    """{name: {"ok", "detail", "ms", ...}} for every check; a check that raises is not ok."""
    report = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            result = check()
        except Exception as exc:  # a health probe must report, never raise
            result = {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
        report[name] = result
    return report
