"""Help requests: a shopper asks for help (in the app, or with the cart's own help button),
staff acknowledge and resolve, and the cart's assist light shows that someone is waiting.

The light is switched at the edges only: `on` when a cart gets its first unresolved request,
`off` when its last one is resolved. Both are decided under a lock on the cart's row, so a
request from the app and one from the button at the same instant queue one `on`, and a
resolve racing a new request never leaves the light off over someone still waiting.
Locks are always taken session, then cart, then request (end_session holds the first two
when it calls resolve_for_session).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.dispatch import Signal
from django.utils import timezone

from onprem.commands.services import request_command
from onprem.fleet.models import Cart

from .choices import OPEN_SESSION_STATES, HelpSource, HelpState
from .models import HelpRequest, ShoppingSession

log = logging.getLogger(__name__)

HELP_EVENT = "help_requested"  # the cart agent's event when its help button is pressed
BUTTON_REASON = "pressed the help button on the cart"
UNRESOLVED = (HelpState.OPEN, HelpState.ACKNOWLEDGED)
# A shopper tapping "help" again and again must not bury the staff's list.
MAX_UNRESOLVED_PER_SESSION = 5
REQUESTED_BY = "shopping"
# kwargs: help_request_ids. Sent after commit whenever requests are made, acknowledged or
# resolved, whatever the path (app, cart button inside ingest's batch, a session ending with
# a bulk update): the apps above shopping (alerts) follow requests by it, not by post_save.
help_requests_changed = Signal()


def tell_changed(ids: Iterable) -> None:
    ids = [str(i) for i in ids]

    def tell() -> None:
        for receiver, result in help_requests_changed.send_robust(sender=None, help_request_ids=ids):
            if isinstance(result, Exception):
                log.error("help_requests_changed receiver %s failed: %s", receiver, result, exc_info=result)

    transaction.on_commit(tell)


class HelpRefused(Exception):
    """A help request the rules refuse (API 409); the message is the sentence to show."""


def ask_for_help(*, session: ShoppingSession, reason: str) -> HelpRequest:
    """The shopper asks for help in the app: a request on the session's cart, light on."""
    with transaction.atomic():
        session = ShoppingSession.objects.select_for_update().get(pk=session.pk)
        if session.state not in OPEN_SESSION_STATES:
            raise HelpRefused("this session has ended: ask a member of staff in the store")
        cart = lock_cart(session.cart_id)
        waiting = session.help_requests.filter(state__in=UNRESOLVED).count()
        if waiting >= MAX_UNRESOLVED_PER_SESSION:
            raise HelpRefused(
                f"you already have {waiting} help requests waiting: staff are on their way"
            )
        request = HelpRequest.objects.create(
            session=session, cart=cart, source=HelpSource.APP, reason=reason
        )
        light_on_if_first(cart)
        tell_changed([request.pk])
    log.info("help requested id=%s cart=%s source=app", request.id, cart.device_id)
    return request


def help_from_cart_events(*, events: Iterable) -> list[HelpRequest]:
    """Cart events (onprem.fleet DeviceEvent rows, stored by ingest) named `help_requested`
    become help requests, linked to the cart's open session if it has one.

    One request per event, however often the event arrives: its key (device, boot, seq) is
    unique. Events of other names are skipped at no cost. Returns the requests made now."""
    pressed = {event_key(e): e for e in events if e.event == HELP_EVENT and e.kind == "cart"}
    if not pressed:
        return []
    known = set(
        HelpRequest.objects.filter(event_key__in=list(pressed)).values_list("event_key", flat=True)
    )
    carts = {
        c.device_id: c.pk
        for c in Cart.objects.filter(device_id__in={e.device_id for e in pressed.values()})
    }
    made = []
    for key, event in pressed.items():
        if key not in known and event.device_id in carts:
            request = raise_from_button(cart_id=carts[event.device_id], key=key)
            made += [request] if request else []
    return made


def event_key(event) -> str:
    return f"{event.device_id}/{event.boot_id}/{event.seq}"


def raise_from_button(*, cart_id: int, key: str) -> HelpRequest | None:
    """One button press: a request on the cart (and its open session), or None if another
    ingest worker made it first."""
    try:
        with transaction.atomic():
            session = ShoppingSession.objects.select_for_update().filter(open_cart=cart_id).first()
            cart = lock_cart(cart_id)
            request = HelpRequest.objects.create(
                session=session,
                cart=cart,
                source=HelpSource.CART_BUTTON,
                reason=BUTTON_REASON,
                event_key=key,
            )
            light_on_if_first(cart)
            tell_changed([request.pk])
    except IntegrityError:
        if not HelpRequest.objects.filter(event_key=key).exists():
            raise
        return None
    log.info(
        "help requested id=%s cart=%s source=cart_button session=%s",
        request.id,
        cart.device_id,
        session.pk if session else "-",
    )
    return request


def acknowledge(*, help_request: HelpRequest, staff_user) -> HelpRequest:
    """A member of staff is on the way: the shopper sees their first name. Acknowledging an
    acknowledged request changes nothing (the first one to answer is the one coming)."""
    with transaction.atomic():
        request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if request.state == HelpState.RESOLVED:
            raise HelpRefused("this help request is already resolved")
        if request.state == HelpState.OPEN:
            request.state = HelpState.ACKNOWLEDGED
            request.acknowledged_by, request.acknowledged_at = staff_user, timezone.now()
            request.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
            tell_changed([request.pk])
            log.info("help acknowledged id=%s by=%s", request.id, staff_user.get_username())
    return request


def resolve(*, help_request: HelpRequest, staff_user) -> HelpRequest:
    """The shopper has been helped; the cart's light goes off if nobody else waits there.
    Resolving a resolved request changes nothing."""
    with transaction.atomic():
        cart = lock_cart(help_request.cart_id) if help_request.cart_id else None
        request = HelpRequest.objects.select_for_update().get(pk=help_request.pk)
        if request.state != HelpState.RESOLVED:
            request.state = HelpState.RESOLVED
            request.resolved_by, request.resolved_at = staff_user, timezone.now()
            request.save(update_fields=["state", "resolved_by", "resolved_at"])
            tell_changed([request.pk])
            light_off_if_last(cart)
            log.info("help resolved id=%s by=%s", request.id, staff_user.get_username())
    return request


def resolve_for_session(*, session: ShoppingSession, reason: str) -> int:
    """The session ended (paid, abandoned): its unresolved requests are resolved (by nobody)
    and the cart's light goes off unless a request without a session still waits on it.
    Returns how many were resolved. Called by sessions.end_session inside its transaction."""
    waiting = HelpRequest.objects.filter(session=session, state__in=UNRESOLVED)
    if not waiting.exists():
        return 0
    with transaction.atomic():
        cart = lock_cart(session.cart_id)
        tell_changed(waiting.values_list("pk", flat=True))
        resolved = waiting.update(state=HelpState.RESOLVED, resolved_at=timezone.now())
        light_off_if_last(cart)
    log.info("help resolved count=%d session=%s reason=%s", resolved, session.pk, reason)
    return resolved


def lock_cart(cart_id: int) -> Cart:
    return Cart.objects.select_for_update().get(pk=cart_id)


def light_on_if_first(cart: Cart) -> None:
    # Called after the new request is saved: one unresolved request means it is the first.
    if HelpRequest.objects.filter(cart=cart, state__in=UNRESOLVED).count() == 1:
        switch_assist_light(cart, on=True)


def light_off_if_last(cart: Cart | None) -> None:
    if cart and not HelpRequest.objects.filter(cart=cart, state__in=UNRESOLVED).exists():
        switch_assist_light(cart, on=False)


def switch_assist_light(cart: Cart, *, on: bool) -> None:
    request_command(
        kind="cart",
        device_id=cart.device_id,
        command="assist_light",
        args={"on": on},
        requested_by=REQUESTED_BY,
    )


def help_requests_for_staff(*, state: str | None = None) -> QuerySet[HelpRequest]:
    """What staff see: unresolved requests first (open before acknowledged), newest first."""
    requests = HelpRequest.objects.select_related("cart", "acknowledged_by", "resolved_by")
    if state:
        return requests.filter(state=state).order_by("-created_at", "id")
    urgency = Case(
        When(state=HelpState.OPEN, then=Value(0)),
        When(state=HelpState.ACKNOWLEDGED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return requests.order_by(urgency, "-created_at", "id")


def help_requests_of_session(*, session: ShoppingSession) -> QuerySet[HelpRequest]:
    """A shopper's requests in one session, newest first."""
    return (
        HelpRequest.objects.filter(session=session)
        .select_related("acknowledged_by")
        .order_by("-created_at", "id")
    )
