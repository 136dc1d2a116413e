"""Homologation report: seed 002's scripted joint validation, one step at a time.

Each integration's homologation walks its steps through `Homologation.step()`; the command
writes what was recorded as Markdown (for the acceptance record) and JSON (for machines).
"""

from __future__ import annotations

import json
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

EXCERPT_CHARS = 400


def excerpt(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


@dataclass
class Step:
    name: str
    passed: bool
    ms: float
    request: str = ""
    response: str = ""
    error: str = ""


@dataclass
class Homologation:
    integration: str
    target: str
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    steps: list[Step] = field(default_factory=list)

    def step(self, name: str, action: Callable[[], tuple[Any, Any]]) -> Any:
        """Run one step; `action` returns (request excerpt, response). A raise fails the step."""
        started = time.monotonic()
        try:
            request, response = action()
        except Exception as exc:  # a failing step is recorded, and the walk goes on
            self.steps.append(Step(name, False, self._ms(started), error=f"{type(exc).__name__}: {exc}",
                                   response=excerpt(traceback.format_exc(limit=2))))
            return None
        self.steps.append(Step(name, True, self._ms(started), excerpt(request), excerpt(response)))
        return response

    @staticmethod
    def _ms(started: float) -> float:
        return round((time.monotonic() - started) * 1000, 1)

    @property
    def passed(self) -> bool:
        return bool(self.steps) and all(s.passed for s in self.steps)

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / f"homologation-{self.integration}"
        json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
        json_path.write_text(json.dumps({**asdict(self), "passed": self.passed}, indent=2))
        md_path.write_text(self.markdown())
        return md_path, json_path

    def markdown(self) -> str:
        verdict = "PASSED" if self.passed else "FAILED"
        lines = [f"# Homologation: {self.integration} — {verdict}", "",
                 f"Target: `{self.target}`  ", f"Started: {self.started_at}", "",
                 "| # | step | result | ms |", "|---|---|---|---|"]
        lines += [f"| {i} | {s.name} | {'pass' if s.passed else 'FAIL'} | {s.ms} |" for i, s in enumerate(self.steps, 1)]
        for i, s in enumerate(self.steps, 1):
            lines += ["", f"## {i}. {s.name}", ""]
            if s.error:
                lines += [f"**Error:** {s.error}", ""]
            lines += ["Request:", "```", s.request, "```", "Response:", "```", s.response, "```"]
        return "\n".join(lines) + "\n"
