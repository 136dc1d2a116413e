"""Store commands the cloud sends down the tunnel (docs/tunnel.md, "Commands")."""

from __future__ import annotations


def frame_handlers() -> dict:
    """Frame type → async handler(frame, send) for the uplink."""
    return {}
