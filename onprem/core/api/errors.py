"""The on-prem API's error shape, shared with the cloud: see tierkit.api.errors."""

from __future__ import annotations

from tierkit.api.errors import exception_handler

__all__ = ["exception_handler"]
