"""Verbs of the cloud command outbox (docs/tunnel.md, "Commands").

A command waits in the outbox until the store's `ack` with its id: it is sent when the store
connects and right away when it is already connected, and sent again after every reconnect
until acked or expired (at-least-once). The store answers a repeated id from its own record,
so a resend never runs a command twice. Every state change is a conditional UPDATE: an ack
and the expiry sweep, or two acks, never undo each other.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from cloud.stores.models import Store
from smartcart import store_commands
from smartcart import tunnel_frames as frames

from .errors import StoreCommandError, UnknownStores
from .models import StoreCommand

log = logging.getLogger(__name__)
State = StoreCommand.State
ACK_STATES = {State.DONE.value, State.FAILED.value}
HAND_OVER_PATIENCE = 2.0  # seconds a batch may wait for full channels to drain
PENDING_GRACE = timedelta(seconds=5)
RESEND_SENT_AFTER = timedelta(seconds=60)


def request_store_command(
    *, store: Store, name: str, args: dict, ttl_s: int, requested_by: str
) -> StoreCommand:
    """Queue command `name` for `store` (sent at once if its tunnel is open).

    An unknown name or bad args raise StoreCommandError with a sentence; nothing is queued.
    """
    [command] = request_store_commands(
        stores=[store], name=name, args=args, ttl_s=ttl_s, requested_by=requested_by
    )
    command.refresh_from_db()
    return command


def request_store_commands(
    *, stores: list[Store], name: str, args: dict, ttl_s: int, requested_by: str
) -> list[StoreCommand]:
    """Queue command `name` for each of `stores`, one command (and id) per store, in one
    transaction; each goes at once to the stores whose tunnel is open.

    An unknown name or bad args raise StoreCommandError with a sentence; nothing is queued.
    """
    args = checked_args(name, args, ttl_s)
    now = timezone.now()
    commands = [
        StoreCommand(
            store=store,
            name=name,
            args=args,
            requested_by=requested_by,
            created_at=now,
            expires_at=now + timedelta(seconds=ttl_s),
        )
        for store in stores
    ]
    with transaction.atomic():
        StoreCommand.objects.bulk_create(commands)
    for command in commands:
        log.info(
            "store command queued id=%s store=%s name=%s by=%s",
            command.pk,
            command.store.code,
            name,
            requested_by,
        )
    # Read the channels after the rows are committed: a store connecting meanwhile either
    # shows its channel here or finds its row in its own deliver_pending() (or both: harmless).
    channels = dict(
        Store.objects.filter(pk__in=[store.pk for store in stores])
        .exclude(tunnel_channel="")
        .values_list("pk", "tunnel_channel")
    )
    send_commands([(channels[c.store_id], c) for c in commands if c.store_id in channels])
    return commands


def request_chain_command(
    *, codes: list[str] | None, name: str, args: dict, ttl_s: int, requested_by: str
) -> list[StoreCommand]:
    """The same command for the stores with these codes (every registered store if None).

    A code that names no store raises UnknownStores, and nothing is queued.
    """
    stores = Store.objects.all() if codes is None else Store.objects.filter(code__in=codes)
    stores = list(stores.order_by("code"))
    missing = sorted(set(codes or ()) - {store.code for store in stores})
    if missing:
        raise UnknownStores(f"no such stores: {', '.join(missing[:20])}")
    return request_store_commands(
        stores=stores, name=name, args=args, ttl_s=ttl_s, requested_by=requested_by
    )


def checked_args(name: str, args: dict, ttl_s: int) -> dict:
    try:
        args = store_commands.check_command(name, args)
    except store_commands.BadStoreCommand as exc:
        raise StoreCommandError(str(exc)) from None
    if not 1 <= ttl_s <= store_commands.MAX_TTL_S:
        raise StoreCommandError(f"ttl_s must be from 1 to {store_commands.MAX_TTL_S} seconds")
    return args


def deliver_pending(store: Store) -> int:
    """Send every open, unexpired command of `store` to its live tunnel; how many were sent.

    Called when the store connects: a command sent before a drop and never acked goes again.
    """
    channel = Store.objects.filter(pk=store.pk).values_list("tunnel_channel", flat=True).first()
    if not channel:
        return 0
    due = StoreCommand.objects.filter(
        store=store, state__in=StoreCommand.OPEN, expires_at__gt=timezone.now()
    ).order_by("created_at", "id")
    return send_commands([(channel, command) for command in due])


def send_commands(outgoing: list[tuple[str, StoreCommand]]) -> int:
    """Put each command's frame on its tunnel's channel, then mark those that went; how many.

    A command that cannot be handed over (the channel is full, the channel layer is down)
    stays as it was, to go when the store next connects: the request that queued it still
    succeeds. Marked after the send, so a row says `sent` only when it went; the ack may
    already have come, and then only the count moves.
    """
    went = async_to_sync(hand_over)(outgoing) if outgoing else []
    if went:
        with transaction.atomic():
            StoreCommand.objects.filter(pk__in=went).update(
                state=Case(When(state=State.PENDING, then=Value(State.SENT)), default=F("state")),
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
    return len(went)


async def hand_over(outgoing: list[tuple[str, StoreCommand]]) -> list[str]:
    """Send the frames; the ids of those the channel layer took.

    A full channel (the Redis layer queues every tunnel of a cloud process in one list of
    limited capacity, which a chain-wide command fills at once) is tried again while the
    receiving process drains it, for HAND_OVER_PATIENCE seconds per batch in all; after that,
    the command stays as it was for deliver_due() or the store's next connect.
    """
    layer, went = get_channel_layer(), []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + HAND_OVER_PATIENCE
    for channel, command in outgoing:
        message = {"type": "tunnel.frame", "frame": command_frame(command).to_json()}
        if await send_patiently(layer, channel, message, deadline):
            went.append(command.pk)
            log.info("store command sent id=%s store=%s", command.pk, command.store_id)
        else:
            log.warning("store command not sent id=%s store=%s", command.pk, command.store_id)
    return went


async def send_patiently(layer, channel: str, message: dict, deadline: float) -> bool:
    loop, pause = asyncio.get_running_loop(), 0.02
    while True:
        try:
            await layer.send(channel, message)
            return True
        except ChannelFull:
            if loop.time() + pause > deadline:
                return False
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)
        except Exception as exc:  # a Redis error: the outbox keeps the command
            log.warning("channel layer refused a frame for %s: %r", channel, exc)
            return False


def deliver_due(*, now: datetime | None = None, limit: int = 5000) -> int:
    """Send again what a live tunnel should have by now; how many went. Run by the periodic
    sweep (where the channel layer reaches the tunnels' processes: Redis).

    - `pending` commands of connected stores older than PENDING_GRACE: their request could
      not hand them over (a full channel);
    - `sent` commands unanswered for RESEND_SENT_AFTER on a live tunnel: the frame may have
      been dropped by the channel layer (it expires unread messages). The store answers a
      repeated id from its record, so a resend is safe.
    """
    if isinstance(get_channel_layer(), InMemoryChannelLayer):
        return 0  # it reaches no tunnel outside this process: the connect sends them
    now = now or timezone.now()
    due = (
        StoreCommand.objects.filter(expires_at__gt=now)
        .exclude(store__tunnel_channel="")
        .filter(
            Q(state=State.PENDING, created_at__lt=now - PENDING_GRACE)
            | Q(state=State.SENT, sent_at__lt=now - RESEND_SENT_AFTER)
        )
        .select_related("store")
        .order_by("created_at")[:limit]
    )
    return send_commands([(command.store.tunnel_channel, command) for command in due])


def command_frame(command: StoreCommand) -> frames.Frame:
    expires = command.expires_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    body = {
        "name": command.name,
        "args": command.args,
        "expires_at": expires,
        "requested_by": command.requested_by,
    }
    return frames.Frame(frames.COMMAND, command.pk, body, frames.now_iso())


def check_ack_body(body: dict) -> tuple[str, dict]:
    """(state, result) of a store's command ack, or StoreCommandError naming what is wrong."""
    extra = sorted(set(body) - {"state", "result"})
    if extra:
        raise StoreCommandError(f"bad ack: body.{extra[0]} is not a field of an ack")
    state, result = body.get("state"), body.get("result")
    if state not in ACK_STATES:
        raise StoreCommandError(f"bad ack: body.state must be done or failed, not {state!r}")
    if not isinstance(result, dict):
        raise StoreCommandError(
            f"bad ack: body.result must be an object, not {type(result).__name__}"
        )
    return state, result


def record_store_ack(*, store: Store, command_id: str, state: str, result: dict) -> bool:
    """Record the store's answer to command `command_id`; False when there is nothing to record.

    Idempotent: a second ack for a finished command changes nothing. An ack for another
    store's command, or an id the outbox never sent, is logged and ignored. A late ack for an
    expired command is recorded: the store started it before it expired, and its outcome is
    what ops need to see.
    """
    now = timezone.now()
    answerable = StoreCommand.objects.filter(
        pk=command_id, store=store, state__in=[*StoreCommand.OPEN, State.EXPIRED]
    )
    with transaction.atomic():
        updated = answerable.update(state=state, result=result, acked_at=now, finished_at=now)
    if updated:
        log.info("store command %s id=%s store=%s", state, command_id, store.code)
        return True
    owner = StoreCommand.objects.filter(pk=command_id).values_list("store__code", flat=True).first()
    if owner is None:
        log.warning("ack ignored store=%s id=%s: no such command", store.code, command_id)
    elif owner != store.code:
        log.warning(
            "ack ignored store=%s id=%s: the command is for store %s", store.code, command_id, owner
        )
    else:
        log.info("ack ignored store=%s id=%s: already finished", store.code, command_id)
    return False


def expire_store_commands(*, now: datetime | None = None) -> int:
    """Mark every open command past its expiry expired; how many. Safe to run from many places."""
    now = now or timezone.now()
    stale = StoreCommand.objects.filter(state__in=StoreCommand.OPEN, expires_at__lte=now)
    with transaction.atomic():
        expired = stale.update(state=State.EXPIRED, finished_at=now)
    if expired:
        log.warning("store commands expired count=%d", expired)
    return expired


def cancel_store_commands(*, ids: list[str], reason: str) -> list[str]:
    """Take back commands no store has answered yet (a rollout aborted): each still open is
    marked expired with `{"error": reason}` and is never sent again; the ids that were."""
    now = timezone.now()
    open_ = StoreCommand.objects.filter(pk__in=ids, state__in=StoreCommand.OPEN)
    with transaction.atomic():
        cancelled = list(open_.select_for_update().values_list("pk", flat=True))
        StoreCommand.objects.filter(pk__in=cancelled).update(
            state=State.EXPIRED, result={"error": reason}, finished_at=now
        )
    if cancelled:
        log.info("store commands cancelled count=%d: %s", len(cancelled), reason)
    return cancelled
