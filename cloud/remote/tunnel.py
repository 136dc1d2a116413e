"""The remote-access proxy's part of the tunnel consumer (docs/tunnel.md, "Remote access")."""

from __future__ import annotations


class RemoteFrames:
    """Mixed into TunnelConsumer: forwards http_request frames, routes http_response back."""

    def remote_handlers(self) -> dict:
        return {}
