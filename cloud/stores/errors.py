from __future__ import annotations


class StoreError(ValueError):
    """A registry operation that cannot be done; the text says why."""
