"""The cloud command outbox's part of the tunnel consumer (docs/tunnel.md, "Commands")."""

from __future__ import annotations


class CommandFrames:
    """Mixed into TunnelConsumer: sends the store's pending commands, records its acks."""

    def command_handlers(self) -> dict:
        return {}

    async def on_connected_commands(self) -> None:
        """Called once the store is authenticated and marked connected."""
