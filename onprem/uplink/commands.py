"""Store commands the cloud sends down the tunnel (docs/tunnel.md, "Commands").

A store command is a plain function `run(args) -> result`: synchronous (it runs in a worker
thread with database access), validates its own args, returns a JSON-able dict, and raises
`StoreCommandRefused` with a sentence for anything it will not do.
"""

from __future__ import annotations

from collections.abc import Callable

StoreCommandFn = Callable[[dict], dict]


class StoreCommandRefused(Exception):
    """The command cannot run as asked (unknown name, bad args, a rule says no): the sentence
    goes back to the cloud as the command's result."""


def registry() -> dict[str, StoreCommandFn]:
    """Every store command by name: the built-in ones and the allowlisted remote actions."""
    from .actions import ACTIONS

    return {**ACTIONS}


def frame_handlers() -> dict:
    """Frame type → async handler(frame, send) for the uplink."""
    return {}
