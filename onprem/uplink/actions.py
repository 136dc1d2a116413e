"""Remote actions ops may run in the store's installation, from a fixed allowlist
(docs/tunnel.md, "Remote actions"): never a shell."""

from __future__ import annotations

from .commands import StoreCommandFn

ACTIONS: dict[str, StoreCommandFn] = {}
