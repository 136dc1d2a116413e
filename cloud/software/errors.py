"""What the rollout verbs refuse, each with a sentence for the person who asked."""

from __future__ import annotations


class RolloutError(ValueError):
    """A rollout that cannot be started as asked (400); the text says why."""


class RolloutConflict(RolloutError):
    """An action the rollout's state does not allow (409)."""


class ReportError(ValueError):
    """A `software_report` frame whose body is not the report's shape; the text names the field."""
