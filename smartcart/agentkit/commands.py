"""Command dispatch, idempotent by command id.

Each command id is recorded in the outbox database before anything runs, with its state and
result. A repeat of a known id (the broker redelivers, the server retries, the agent
restarted) is never executed again: it is re-acked with the stored state and result.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable

from smartcart.protocol import Ack, Command, ProtocolError
from smartcart.protocol.topics import check_id

from .outbox import Outbox

log = logging.getLogger(__name__)

# A handler gets the command's args and returns the result; raising ValueError fails it.
Handler = Callable[[dict], dict]

SCHEMA = """
CREATE TABLE IF NOT EXISTS commands (
    id TEXT PRIMARY KEY, command TEXT NOT NULL, state TEXT NOT NULL, result TEXT NOT NULL
);
"""


class CommandDesk:
    """`receive` (network thread) records and acks; `execute` (agent loop) runs and acks."""

    def __init__(
        self, *, device: str, outbox: Outbox, ack_topic: str, handlers: dict[str, Handler]
    ) -> None:
        self.device, self.outbox, self.ack_topic, self.handlers = (
            device,
            outbox,
            ack_topic,
            handlers,
        )
        with outbox.lock:
            outbox.db.executescript(SCHEMA)
        self._fail_interrupted()

    def _fail_interrupted(self) -> None:
        """Commands accepted before a crash or restart never finished: say so, once."""
        with self.outbox.lock:
            rows = self.outbox.db.execute(
                "SELECT id FROM commands WHERE state = 'accepted'"
            ).fetchall()
        for (command_id,) in rows:
            self._settle(
                command_id,
                "failed",
                {"error": "interrupted: the agent restarted before it finished"},
            )

    def receive(self, payload: bytes) -> Command | None:
        """A command off the wire: the Command to execute now, or None (repeat, rejected,
        or not recorded because the outbox could not be written: that is logged)."""
        try:
            return self._receive(payload)
        except Exception as exc:
            log.error(
                "%s: could not take command %r: %s: %s",
                self.device,
                payload[:200],
                type(exc).__name__,
                exc,
                exc_info=not isinstance(exc, sqlite3.Error),
            )
            return None

    def _receive(self, payload: bytes) -> Command | None:
        try:
            command = Command.parse(payload)
        except ProtocolError as exc:
            self._reject_unparsable(payload, str(exc))
            return None
        stored = self._lookup(command.id)
        if stored is not None:
            log.info("%s: command %s is a repeat, re-acking %s", self.device, command.id, stored[0])
            self._ack(command.id, *stored)
            return None
        if command.command not in self.handlers:
            known = ", ".join(sorted(self.handlers))
            self._settle(
                command.id,
                "rejected",
                {"error": f"unknown command {command.command!r}; known: {known}"},
                command=command.command,
            )
            return None
        self._settle(command.id, "accepted", {}, command=command.command)
        return command

    def execute(self, command: Command) -> None:
        """Run it and ack done or failed; never raises (a result that cannot be stored is
        logged, and the command is failed as interrupted when the agent next starts)."""
        state, result = self._run(command)
        try:
            self._settle(command.id, state, result)
        except Exception as exc:
            log.error(
                "%s: command %s %s ended %s but the ack could not be recorded: %s: %s",
                self.device,
                command.id,
                command.command,
                state,
                type(exc).__name__,
                exc,
            )

    def _run(self, command: Command) -> tuple[str, dict]:
        try:
            result = self.handlers[command.command](command.args)
            json.dumps(result)  # an unserialisable result is the handler's bug: fail it here
        except ValueError as exc:
            log.warning(
                "%s: command %s %s failed: %s", self.device, command.id, command.command, exc
            )
            return "failed", {"error": str(exc)}
        except Exception as exc:
            log.exception("%s: command %s %s broke", self.device, command.id, command.command)
            return "failed", {"error": f"the agent hit an error: {type(exc).__name__}: {exc}"}
        log.info("%s: command %s %s done", self.device, command.id, command.command)
        return "done", result or {}

    def _reject_unparsable(self, payload: bytes, reason: str) -> None:
        try:
            command_id = json.loads(payload)["id"]
            if not isinstance(command_id, str):  # check_id takes a dict of letters for an id
                raise TypeError(f"id is {type(command_id).__name__}")
            check_id(command_id, "command id")
        except (ValueError, KeyError, TypeError):
            log.warning("%s: dropped a command without a usable id: %s", self.device, reason)
            return
        if self._lookup(command_id) is None:
            self._settle(command_id, "rejected", {"error": reason})

    def _lookup(self, command_id: str) -> tuple[str, dict] | None:
        with self.outbox.lock:
            row = self.outbox.db.execute(
                "SELECT state, result FROM commands WHERE id = ?", (command_id,)
            ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def _settle(
        self, command_id: str, state: str, result: dict, *, command: str | None = None
    ) -> None:
        with self.outbox.lock:
            self.outbox.db.execute(
                "INSERT INTO commands (id, command, state, result) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET state = excluded.state, result = excluded.result",
                (command_id, command or "", state, json.dumps(result)),
            )
            self._ack(command_id, state, result)

    def _ack(self, command_id: str, state: str, result: dict) -> None:
        ack = Ack(id=command_id, device=self.device, state=state, result=result)
        self.outbox.append(self.ack_topic, json.dumps(ack.to_dict()).encode())


def arg_bool(args: dict, name: str) -> bool:
    value = args.get(name)
    if not isinstance(value, bool):
        raise ValueError(f"argument {name!r} must be true or false, got {value!r}")
    return value


def arg_number(args: dict, name: str, *, default: float | None, lo: float, hi: float) -> float:
    value = args.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise ValueError(
            f"argument {name!r} must be a number between {lo:g} and {hi:g}, got {value!r}"
        )
    return float(value)


def arg_int(args: dict, name: str, *, lo: int, hi: int) -> int:
    value = args.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ValueError(
            f"argument {name!r} must be a whole number between {lo} and {hi}, got {value!r}"
        )
    return value


def arg_text(args: dict, name: str, *, max_len: int) -> str:
    value = args.get(name)
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise ValueError(
            f"argument {name!r} must be text of 1 to {max_len} characters, got {value!r:.80}"
        )
    return value
