"""The store end of the remote-access proxy (docs/tunnel.md, "Remote access")."""

from __future__ import annotations


def frame_handlers() -> dict:
    """Frame type → async handler(frame, send) for the uplink."""
    return {}
