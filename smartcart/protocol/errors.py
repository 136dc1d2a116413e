from __future__ import annotations


class ProtocolError(ValueError):
    """A message or topic that breaks the wire contract; the text says which rule."""
