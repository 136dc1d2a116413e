"""The store's commands to its carts and racks: request, send, hear the acks, expire.

A command is stored `queued` first and published only by a process that holds the store's
MQTT connection (ingest, see dispatch.py): the web process never connects to the broker. A
command stays `queued` while its device is offline and `sent` until the agent answers;
both are published again, with the same id, until it answers or expires. Agents answer a
repeated id with the stored result, so a resend never runs a command twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from onprem.fleet.models import Cart, Rack
from smartcart.protocol import Ack, ProtocolError, topic
from smartcart.protocol import Command as WireCommand
from smartcart.protocol.commands import check_command

from .choices import OPEN_STATES, RANK, CommandState
from .models import Command

log = logging.getLogger(__name__)

# topic, payload -> whether the MQTT client took the message (it may still be lost: resent).
Publish = Callable[[str, bytes], bool]

MIN_TTL_S, MAX_TTL_S = 1, 24 * 3600
RESEND_AFTER = timedelta(seconds=5)  # a `sent` command unanswered this long goes out again
# Forcing a command on a cart a shopper is using is for someone on the floor.
FORCE_SCOPE = "staff"


class CommandError(ValueError):
    """A command the store will not send (bad name or args): API 400."""


class UnknownDevice(CommandError):
    """No such cart or rack in this store: API 404."""


class CartInUse(CommandError):
    """The cart is in a shopper's session and the command would stop it: API 409."""


# Commands only the store's own services send: by hand they would skip what those services
# keep (an install's gates, its job and its audit).
INTERNAL_COMMANDS = {
    "ota.install": "ota.install is sent by the store's update worker once the install gates "
    "pass: ask for an update with POST /api/v1/carts/<device_id>/update/ (or the cloud's campaigns)",
}


def request_command(
    *,
    kind: str,
    device_id: str,
    command: str,
    args: dict | None = None,
    requested_by: str,
    ttl_s: int = 600,
    force: bool = False,
    internal: bool = False,
) -> Command:
    """Store a command for a device, `queued`; ingest publishes it once the device is online.

    Raises UnknownDevice, CommandError (unknown command, bad args or ttl) or CartInUse (lock
    or maintenance on a cart in a shopper's session without `force`). Whether the caller may
    force is the caller's rule (the API allows it to staff only)."""
    if command in INTERNAL_COMMANDS and not internal:
        raise CommandError(INTERNAL_COMMANDS[command])
    device = find_device(kind, device_id)
    checked = checked_args(device, kind, command, args)
    if not MIN_TTL_S <= ttl_s <= MAX_TTL_S:
        raise CommandError(f"ttl_s must be {MIN_TTL_S}..{MAX_TTL_S} seconds, not {ttl_s}")
    if not force and stops_a_shopper(device, command, checked):
        raise CartInUse(
            f"cart {device_id} is in a shopper's session: {command} would stop it; "
            f"a staff user may send it with force"
        )
    now = timezone.now()
    row = Command.objects.create(
        id=f"c-{uuid.uuid4().hex}",
        kind=kind,
        device_id=device_id,
        command=command,
        args=checked,
        requested_by=requested_by[:200],
        force=force,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_s),
    )
    log.info(
        "command requested id=%s %s %s %s by=%s", row.id, kind, device_id, command, requested_by,
        extra={"device": device_id},
    )
    return row


def get_command(command_id: str) -> Command | None:
    """The command with this id as it stands now, or None."""
    return Command.objects.filter(pk=command_id).first()


def checked_args(device: Cart | Rack, kind: str, command: str, args: dict | None) -> dict:
    """The args as the wire contract wants them (smartcart/protocol/commands.py), defaults
    filled in; a rack's slot must also be one it has."""
    try:
        checked = check_command(kind, command, {} if args is None else args)
    except ProtocolError as exc:
        raise CommandError(str(exc)) from None
    if command == "slot_power" and checked["slot"] > device.slot_count:
        raise CommandError(
            f"rack {device.device_id} has slots 1..{device.slot_count}, not slot {checked['slot']}"
        )
    return checked


def find_device(kind: str, device_id: str) -> Cart | Rack:
    model = {"cart": Cart, "rack": Rack}.get(kind)
    device = model.objects.filter(device_id=device_id).first() if model else None
    if device is None:
        raise UnknownDevice(f"this store has no {kind} {device_id!r}")
    return device


def stops_a_shopper(device: Cart | Rack, command: str, args: dict) -> bool:
    if not isinstance(device, Cart) or not device.in_session:
        return False
    return command == "lock" or (command == "maintenance" and args["on"])


def wire_message(command: Command) -> tuple[str, bytes]:
    ts = command.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    body = WireCommand(id=command.id, command=command.command, args=command.args, ts=ts).to_dict()
    return topic(settings.STORE_ID, command.kind, command.device_id, "cmd"), json.dumps(
        body
    ).encode()


def send_command(*, command: Command, publish: Publish) -> bool:
    """Publish one queued or sent command, marking it `sent` first (an answer may beat our
    own bookkeeping otherwise). Claimed with a conditional UPDATE, so two ingest workers never
    both send it; True if this call published it."""
    now = timezone.now()
    claimed = (
        Command.objects.filter(pk=command.pk, state=command.state, sent_at=command.sent_at)
        .filter(state__in=(CommandState.QUEUED, CommandState.SENT), expires_at__gt=now)
        .update(state=CommandState.SENT, sent_at=now)
    )
    if not claimed:
        return False
    published = publish(*wire_message(command))
    log.info(
        "command %s id=%s %s %s %s",
        "sent" if published else "not taken by the MQTT client",
        command.id,
        command.kind,
        command.device_id,
        command.command,
        extra={"device": command.device_id},
    )
    return published


def send_queued_for(*, kind: str, device_id: str, publish: Publish) -> int:
    """A device came online: send what waits for it (queued, or sent and never answered)."""
    due = Command.objects.filter(
        kind=kind,
        device_id=device_id,
        state__in=(CommandState.QUEUED, CommandState.SENT),
        expires_at__gt=timezone.now(),
    ).order_by("created_at")
    return sum(send_command(command=c, publish=publish) for c in due)


def send_due(*, publish: Publish, limit: int = 200) -> int:
    """Every command due now: queued ones and sent ones unanswered for RESEND_AFTER, of
    devices that are online. Returns how many were published."""
    now = timezone.now()
    waiting = Q(state=CommandState.QUEUED) | Q(
        state=CommandState.SENT, sent_at__lt=now - RESEND_AFTER
    )
    online = Q(kind="cart", device_id__in=Cart.objects.filter(online=True).values("device_id")) | Q(
        kind="rack", device_id__in=Rack.objects.filter(online=True).values("device_id")
    )
    due = Command.objects.filter(waiting, online, expires_at__gt=now).order_by("created_at")[:limit]
    sent = 0
    for command in due:
        try:
            sent += send_command(command=command, publish=publish)
        except Exception:  # noqa: BLE001 - one command that cannot be sent must not stop the rest
            log.exception("command %s could not be sent", command.id, extra={"device": command.device_id})
    return sent


def expire_commands(*, now: datetime | None = None) -> int:
    """Commands no agent answered in time: queued, sent or accepted past expires_at."""
    now = now or timezone.now()
    overdue = Command.objects.filter(state__in=OPEN_STATES, expires_at__lte=now)
    # Ask first: ingest runs this every second, and an UPDATE takes a write lock even when it
    # changes nothing (on SQLite, the whole database's).
    if not overdue.exists():
        return 0
    expired = overdue.update(
        state=CommandState.EXPIRED,
        finished_at=now,
        result={"error": "expired: the device did not answer in time"},
    )
    if expired:
        log.info("commands expired count=%d", expired)
    return expired


def known_ids(ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """id -> (kind, device_id) for the ids this store sent: one query for a batch of messages."""
    return {
        pk: (kind, device)
        for pk, kind, device in Command.objects.filter(pk__in=set(ids)).values_list(
            "pk", "kind", "device_id"
        )
    }


def record_ack(ack: Ack, *, kind: str, at: datetime | None = None) -> bool:
    """Advance the command an agent acked; idempotent and never backwards (a late `accepted`
    after `done` changes nothing, nor does any ack after the command ended). True if it moved.

    The caller has checked that this store sent the id (known_ids) to this device."""
    at = at or timezone.now()
    behind = [state for state, rank in RANK.items() if rank < RANK[ack.state]]
    # acked_at is the first answer; a final ack carries the result.
    fields = {
        "state": ack.state,
        "acked_at": Coalesce(F("acked_at"), Value(at, output_field=DateTimeField())),
    }
    if RANK[ack.state] == RANK["done"]:
        fields |= {"result": ack.result, "finished_at": at}
    with transaction.atomic():
        moved = Command.objects.filter(
            pk=ack.id, kind=kind, device_id=ack.device, state__in=behind
        ).update(**fields)
    if not moved:
        log.info(
            "ack ignored id=%s state=%s: the command is already as far or further",
            ack.id,
            ack.state,
        )
    return bool(moved)
