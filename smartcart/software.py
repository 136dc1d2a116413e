"""Which version of SmartCart this process runs, and the tunnel protocol it speaks (no Django).

The on-prem tier reports both in every heartbeat; the cloud reads them before it offers a store
an on-prem release (cloud/software, docs/operations.md "Updating a store's software").
"""

from __future__ import annotations

import importlib.metadata

from smartcart.tunnel_frames import VERSION as TUNNEL_PROTOCOL

DISTRIBUTION = "smartcart"


def running_version() -> str:
    """The installed distribution's version: a release directory's wheel, or the checkout's."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return "0.0.0"


def software() -> dict:
    return {"version": running_version(), "protocol": TUNNEL_PROTOCOL}
