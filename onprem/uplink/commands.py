"""Store commands the cloud sends down the tunnel (docs/tunnel.md, "Commands").

A store command is a plain function `run(args) -> result`: synchronous (it runs in a worker
thread with database access), validates its own args, returns a JSON-able dict, and raises
`StoreCommandRefused` with a sentence for anything it will not do.

The cloud sends a command again after every reconnect until it hears the ack, so each one is
recorded by its frame id (ReceivedCommand) before it runs and its result is stored before the
ack goes out: a repeated id is answered from that record and never runs twice.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from contextvars import ContextVar
from datetime import datetime

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from smartcart import store_commands
from smartcart import tunnel_frames as frames

from .models import ReceivedCommand

log = logging.getLogger(__name__)
StoreCommandFn = Callable[[dict], dict]
State = ReceivedCommand.State
# Room for the ack's envelope: a result must fit in one frame with it.
MAX_RESULT_BYTES = frames.MAX_FRAME_BYTES - 4096
INTERRUPTED = (
    "the store stopped while this command ran, so its outcome is unknown; "
    "it was not run again: check the store and send a new command if needed"
)
_requester: ContextVar[str] = ContextVar("store_command_requester", default="")


class StoreCommandRefused(Exception):
    """The command cannot run as asked (unknown name, bad args, a rule says no): the sentence
    goes back to the cloud as the command's result (`{"error": sentence, **details}`)."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.details = details


def requested_by() -> str:
    """Who asked for the running command, as the store records it: "cloud:<username>"."""
    return f"cloud:{_requester.get() or 'unknown'}"


def registry() -> dict[str, StoreCommandFn]:
    """Every store command by name: the built-in ones, the allowlisted remote actions and the
    firmware updates' (onprem/updates/store_commands.py) and the on-prem software update
    (onprem/software/store_commands.py)."""
    from onprem.software.store_commands import COMMANDS as SOFTWARE_COMMANDS
    from onprem.updates.store_commands import COMMANDS as OTA_COMMANDS

    from .actions import ACTIONS
    from .builtin_commands import BUILTIN

    return {**BUILTIN, **ACTIONS, **OTA_COMMANDS, **SOFTWARE_COMMANDS}


def frame_handlers() -> dict:
    """Frame type → async handler(frame, send) for the uplink."""
    return {frames.COMMAND: CommandRunner(registry()).handle}


class CommandRunner:
    """Answers `command` frames: each id runs at most once, its result stored before the ack."""

    def __init__(self, commands: dict[str, StoreCommandFn]):
        self.commands = commands
        self.running: dict[str, asyncio.Task] = {}  # id → the run in progress in this process

    async def handle(self, frame: frames.Frame, send) -> None:
        run = self.running.get(frame.id)
        if run is None:
            run = asyncio.create_task(asyncio.to_thread(self.answer, frame))
            self.running[frame.id] = run
            run.add_done_callback(lambda _: self.running.pop(frame.id, None))
        else:
            # The cloud sent it again (a reconnect) while it still runs: answer when it ends.
            log.info("store command id=%s still running: its answer follows when it ends", frame.id)
        # Shielded: a dropped tunnel cancels this handler, never the command itself; the
        # resend after the reconnect waits for the same run.
        state, result = await asyncio.shield(run)
        await send(frames.ack(frame.id, state=state, result=result))

    def answer(self, frame: frames.Frame) -> tuple[str, dict]:
        """(state, result) for this frame: from the record if the id was seen, else run it."""
        close_old_connections()  # a worker thread must not reuse a connection the server closed
        try:
            record, first = claim(frame)
            if not first:
                return repeated(record)
            state, result = self.run(frame)
            finish(record, state, result)
            return state, result
        finally:
            close_old_connections()

    def run(self, frame: frames.Frame) -> tuple[str, dict]:
        name, args = frame.body.get("name"), frame.body.get("args", {})
        try:
            if expired(frame.body.get("expires_at")):
                raise StoreCommandRefused("the command expired before it reached the store")
            args = store_commands.check_command(name, args, names=list(self.commands))
            _requester.set(str(frame.body.get("requested_by", ""))[:150])
            log.info("store command running id=%s name=%s", frame.id, name)
            return State.DONE, checked_result(self.commands[name](args))
        except (StoreCommandRefused, store_commands.BadStoreCommand) as exc:
            return State.FAILED, {"error": str(exc), **getattr(exc, "details", {})}
        except Exception as exc:  # a broken command must still get its answer to the cloud
            log.exception("store command id=%s name=%s failed", frame.id, name)
            return State.FAILED, {"error": f"the command failed: {type(exc).__name__}: {exc}"}


def claim(frame: frames.Frame) -> tuple[ReceivedCommand, bool]:
    """The record for this frame's id, and whether this call created it (then it runs)."""
    name, args = frame.body.get("name"), frame.body.get("args")
    try:
        with transaction.atomic():
            record = ReceivedCommand.objects.create(
                id=frame.id,
                name=str(name)[:64],
                args=args if isinstance(args, dict) else {},
            )
        return record, True
    except IntegrityError:  # the cloud sent this id before
        return ReceivedCommand.objects.get(pk=frame.id), False


def repeated(record: ReceivedCommand) -> tuple[str, dict]:
    ReceivedCommand.objects.filter(pk=record.pk).update(deliveries=record.deliveries + 1)
    if record.state == State.RUNNING:
        # Seen but not running in this process: the store stopped mid-run. Running it again
        # could do it twice; the outcome is unknown, and that is the answer.
        with transaction.atomic():
            ReceivedCommand.objects.filter(pk=record.pk, state=State.RUNNING).update(
                state=State.FAILED, result={"error": INTERRUPTED}, finished_at=timezone.now()
            )
        record.refresh_from_db()
        log.warning("store command id=%s was interrupted by a stop: not run again", record.pk)
    else:
        log.info("store command id=%s sent again: answered from the record", record.pk)
    return record.state, record.result


def finish(record: ReceivedCommand, state: str, result: dict) -> None:
    """Store the outcome before the ack leaves: a lost ack is then answered from here."""
    with transaction.atomic():
        ReceivedCommand.objects.filter(pk=record.pk).update(
            state=state, result=result, finished_at=timezone.now()
        )
    log.info("store command %s id=%s name=%s", state, record.pk, record.name)


def checked_result(result: object) -> dict:
    if not isinstance(result, dict):
        raise TypeError(f"a store command returns an object, not {type(result).__name__}")
    size = len(json.dumps(result, default=str))
    if size > MAX_RESULT_BYTES:
        raise StoreCommandRefused(
            f"the result is {size} bytes, more than the {MAX_RESULT_BYTES} a frame carries"
        )
    return json.loads(json.dumps(result, default=str))  # what the record and the ack both hold


def expired(expires_at: object) -> bool:
    if not isinstance(expires_at, str):
        return False
    try:
        when = datetime.fromisoformat(expires_at.replace("Z", "+00:00"))
    except ValueError:
        return False
    return when.tzinfo is not None and when <= timezone.now()
