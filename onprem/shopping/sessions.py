"""Verbs of a shopper's session on a cart: pair, look up (owner only), end.

"One open session per cart and per shopper" is held by the database (the unique
open_cart/open_shopper columns, see models.py): two shoppers pairing with one cart at the same
instant both pass the checks below, and the second INSERT fails; that IntegrityError is turned
into the same refusal the checks would have given.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from onprem.commands.choices import CommandState
from onprem.commands.models import Command
from onprem.commands.services import CommandError, request_command
from onprem.fleet.choices import DeviceKind, Health
from onprem.fleet.models import Cart
from onprem.fleet.pairing import normalise_pairing_code

from . import help as help_requests
from .choices import OPEN_SESSION_STATES, SessionState
from .models import ShoppingSession

log = logging.getLogger(__name__)

REQUESTED_BY = "shopping"
GOODBYE = "Thank you!"
GAVE_UP = "ended by the shopper"


class CartNotFound(Exception):
    """No cart carries this pairing code (API 404)."""


class SessionRefused(Exception):
    """The session cannot do this now (API 409), with a machine-readable reason."""

    def __init__(self, reason: str, detail: str, session_id: uuid.UUID | None = None):
        super().__init__(detail)
        self.reason = reason
        self.detail = detail
        self.session_id = session_id


def own_session(
    *, shopper, session_id: uuid.UUID | str, for_update: bool = False
) -> ShoppingSession:
    """The shopper's own session with this id; Http404 for anyone else's (the same answer as
    for an id that does not exist, so ids cannot be probed)."""
    sessions = ShoppingSession.objects.filter(shopper=shopper)
    if for_update:
        sessions = sessions.select_for_update()
    # [:1] rather than .first(): the id is unique, and .first()'s ORDER BY costs compile time
    # on every basket call (docs/benchmarks.md, "Shopping").
    session = next(iter(sessions.filter(pk=session_id).select_related("cart")[:1]), None)
    if session is None:
        raise Http404("You have no shopping session with this id.")
    return session


def pair_cart(*, shopper, cart_code: str) -> ShoppingSession:
    """Start the shopper's session on the cart printed with `cart_code`: the cart unlocks and
    greets them. CartNotFound for an unknown code; SessionRefused (with its reason) for a cart
    in use, a shopper already shopping, or a cart offline, in maintenance, faulty or low."""
    code = normalise_pairing_code(cart_code)
    cart = Cart.objects.select_related("state", "open_session").filter(pairing_code=code).first()
    if cart is None:
        raise CartNotFound(f"no cart in this store has the code {code[:20]}")
    try:
        with transaction.atomic():
            refuse_pairing(shopper=shopper, cart=cart)
            # The cart's row first: a second shopper on this cart waits here, then fails on
            # the unique open_cart below (never a deadlock between the two inserts).
            Cart.objects.filter(pk=cart.pk).update(in_session=True)
            session = ShoppingSession.objects.create(
                shopper=shopper, cart=cart, open_cart=cart, open_shopper=shopper
            )
            greeting = f"Ciao {shopper.first_name or shopper.get_username()}!"
            tell_cart(cart.device_id, "unlock")
            tell_cart(cart.device_id, "display_message", {"text": greeting[:200]})
    except IntegrityError:
        raise refusal_after_race(shopper=shopper, cart=cart) from None
    cart.in_session = True
    session.cart = cart
    log.info("session started id=%s cart=%s shopper=%s", session.id, cart.device_id, shopper.pk)
    return session


def refuse_pairing(*, shopper, cart: Cart) -> None:
    """SessionRefused if this shopper may not start a session on this cart now."""
    mine = ShoppingSession.objects.filter(open_shopper=shopper).values_list("id", flat=True)
    if mine:
        raise already_shopping(mine[0])
    if getattr(cart, "open_session", None) is not None:  # the database's word, not the flag
        raise SessionRefused("in_use", f"cart {cart.device_id} is in use by another shopper")
    state = getattr(cart, "state", None)
    if not cart.online or state is None:
        raise SessionRefused(
            "offline", f"cart {cart.device_id} is offline: take another cart from the rack"
        )
    if in_maintenance(cart):
        raise SessionRefused(
            "maintenance", f"cart {cart.device_id} is in maintenance: take another cart"
        )
    if state.health == Health.FAULT:
        raise SessionRefused("fault", f"cart {cart.device_id} reports a fault: take another cart")
    if installing_update(cart.device_id):
        raise SessionRefused(
            "updating", f"cart {cart.device_id} is installing a firmware update: take another cart"
        )
    floor = settings.SHOPPING_MIN_BATTERY_PERCENT
    if state.soc < floor:
        raise SessionRefused(
            "low_battery",
            f"cart {cart.device_id} has {int(state.soc)} % battery, below the {floor} % a "
            "shopping trip needs: take another cart",
        )


def installing_update(cart_id: str) -> bool:
    # The updates app's word (onprem/updates): its gates send an install only to a cart with no
    # shopper; this keeps a shopper off a cart once its install has started.
    from onprem.updates.services import installing

    return installing(cart_id)


def already_shopping(session_id: uuid.UUID) -> SessionRefused:
    return SessionRefused(
        "already_shopping",
        "you already have an open shopping session: go back to it, or end it first",
        session_id=session_id,
    )


def refusal_after_race(*, shopper, cart: Cart) -> SessionRefused:
    """Another pairing won the unique open_cart or open_shopper: say which (a fresh read)."""
    mine = ShoppingSession.objects.filter(open_shopper=shopper).values_list("id", flat=True)
    if mine:
        return already_shopping(mine[0])
    return SessionRefused("in_use", f"cart {cart.device_id} is in use by another shopper")


def in_maintenance(cart: Cart) -> bool:
    """Whether the last `maintenance` command the cart carried out switched maintenance on."""
    last = (
        Command.objects.filter(
            kind=DeviceKind.CART,
            device_id=cart.device_id,
            command="maintenance",
            state=CommandState.DONE,
        )
        .order_by("-finished_at", "-created_at")
        .values_list("args", flat=True)
        .first()
    )
    return bool(last and last.get("on"))


def abandon_session(*, session: ShoppingSession) -> ShoppingSession:
    """The shopper gives up: the session ends `abandoned` (refused while a payment runs)."""
    with transaction.atomic():
        locked = ShoppingSession.objects.select_for_update().get(pk=session.pk)
        if locked.state == SessionState.PAYING:
            raise SessionRefused(
                "paying", "a payment is under way: cancel it before ending the session"
            )
        if locked.state not in OPEN_SESSION_STATES:
            raise SessionRefused("ended", "this session has ended")
        return end_session(session=locked, state=SessionState.ABANDONED, reason=GAVE_UP)


def sessions_of(*, shopper) -> QuerySet[ShoppingSession]:
    """The shopper's sessions, newest first."""
    return (
        ShoppingSession.objects.filter(shopper=shopper)
        .select_related("cart")
        .order_by("-started_at", "-id")
    )


def tell_cart(device_id: str, command: str, args: dict | None = None) -> None:
    """Queue a command for the cart in the caller's transaction: the row commits with the
    session change, and ingest publishes it only then (a rolled-back pairing tells nothing)."""
    try:
        request_command(
            kind=DeviceKind.CART,
            device_id=device_id,
            command=command,
            args=args,
            requested_by=REQUESTED_BY,
        )
    except CommandError as exc:  # the session stands: the cart just misses a message
        log.warning("cart not told device=%s command=%s: %s", device_id, command, exc)


def end_session(*, session: ShoppingSession, state: str, reason: str) -> ShoppingSession:
    """End an open session (paid or abandoned): release the cart, resolve its open help
    requests (the assist light goes off) and thank the shopper on the cart's display.

    Ending a session that has already ended changes nothing and returns it as it is."""
    if state not in (SessionState.PAID, SessionState.ABANDONED):
        raise ValueError(f"a session ends paid or abandoned, not {state!r}")
    with transaction.atomic():
        session = (
            ShoppingSession.objects.select_for_update().select_related("cart").get(pk=session.pk)
        )
        if session.state not in OPEN_SESSION_STATES:
            return session
        now = timezone.now()
        session.state = state
        session.end_reason = reason[:200]
        session.ended_at = now
        session.open_cart = None
        session.open_shopper = None
        session.save(update_fields=["state", "end_reason", "ended_at", "open_cart", "open_shopper"])
        type(session.cart).objects.filter(pk=session.cart_id).update(in_session=False)
        session.cart.in_session = False
        device_id = session.cart.device_id
        help_requests.resolve_for_session(session=session, reason=reason)
        tell_cart(device_id, "display_message", {"text": GOODBYE})
    log.info("session ended id=%s cart=%s state=%s", session.id, device_id, state)
    return session
