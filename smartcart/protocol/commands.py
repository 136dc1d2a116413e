"""Which commands each kind of device takes, and their arguments (docs/protocol.md, Command).

The store checks a command against this table before it ever publishes it, so a typo is a 400
with a sentence rather than a `rejected` ack from a cart. Agents check their arguments again
(smartcart/agentkit/commands.py): a cart must never trust the wire.
"""

from __future__ import annotations

from collections.abc import Callable

from . import fields as f
from .errors import ProtocolError
from .messages import MAX_SLOTS

MAX_SECONDS = 300
MAX_MESSAGE = 200

# name -> (reader of one argument, default when absent; None means required)
ArgReader = Callable[[dict, str], object]


def seconds(args: dict, key: str) -> float:
    return f.number(args, key, 1, MAX_SECONDS, "args.")


def switch(args: dict, key: str) -> bool:
    return f.boolean(args, key, "args.")


def slot(args: dict, key: str) -> int:
    return f.integer(args, key, 1, MAX_SLOTS, "args.")


def message_text(args: dict, key: str) -> str:
    value = f.text(args, key, MAX_MESSAGE, "args.")
    if not value.strip() or any(ord(c) < 32 for c in value):
        raise ProtocolError(
            f"field args.{key} must be visible text on one line (no control characters)"
        )
    return value


def job_id(args: dict, key: str) -> str:
    return f.text(args, key, 64, "args.")


def signed_manifest(args: dict, key: str) -> dict:
    # Its shape and signature are the device's to verify (smartcart.release): it trusts no sender.
    return f.mapping(args, key, "args.")


def artifact_url(args: dict, key: str) -> str:
    value = f.text(args, key, 2000, "args.")
    if not value.startswith(("http://", "https://")):
        raise ProtocolError(f"field args.{key} must be an http(s) URL")
    return value


# Firmware updates (docs/ota.md): taken by devices whose hardware has firmware slots.
OTA_INSTALL = {
    "job": (job_id, None),
    "manifest": (signed_manifest, None),
    "url": (artifact_url, None),
}

COMMANDS: dict[str, dict[str, dict[str, tuple[ArgReader, object]]]] = {
    "cart": {
        "locate": {"seconds": (seconds, 10)},
        "assist_light": {"on": (switch, None)},
        "lock": {},
        "unlock": {},
        "maintenance": {"on": (switch, None)},
        "reboot": {},
        "display_message": {"text": (message_text, None), "seconds": (seconds, 10)},
        "ota.install": OTA_INSTALL,
    },
    "rack": {
        "slot_power": {"slot": (slot, None), "on": (switch, None)},
        "reboot": {},
        "ota.install": OTA_INSTALL,
    },
}


def check_command(kind: str, command: str, args: object) -> dict:
    """The command's arguments, complete with defaults; ProtocolError with the broken rule."""
    table = COMMANDS.get(kind)
    if table is None:
        raise ProtocolError(f"kind {kind!r} is not one of {', '.join(COMMANDS)}")
    if command not in table:
        raise ProtocolError(
            f"a {kind} has no command {f.short(command)}; known: {', '.join(sorted(table))}"
        )
    if not isinstance(args, dict):
        raise ProtocolError("field args must be an object")
    wanted = table[command]
    unknown = sorted(set(args) - set(wanted))
    if unknown:
        takes = ", ".join(wanted) or "no arguments"
        raise ProtocolError(
            f"{command} does not take {', '.join(map(f.short, unknown))}; it takes {takes}"
        )
    checked = {}
    for name, (read, default) in wanted.items():
        if name not in args and default is not None:
            checked[name] = default
        else:
            checked[name] = read(args, name)
    return checked
