from __future__ import annotations


class StoreCommandError(ValueError):
    """A store command that cannot be queued or an answer that cannot be recorded; the text says why."""


class UnknownStores(StoreCommandError):
    """A chain-wide command names store codes that are not registered."""
