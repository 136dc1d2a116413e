"""Verbs of paying a basket: start a checkout, follow the terminal, cancel, time out.

A request never waits for the shopper's tag. Starting a checkout writes the Payment and, once
that commits, a Celery task asks the cashless terminal to start a purchase job (one bounded
HTTP call) and records the job id. Following the job is one status call at a time, made by
whoever comes first: the follow task (re-scheduled with a countdown when a worker runs), the
app polling `GET …/checkout/` (at most one call per payment every POLL_GAP seconds), or the
sweep (beat, or `manage.py sweep_payments`), which also times out payments nobody paid. Only
the terminal's own answer ends a cashless payment: Success is paid, Cancelled is cancelled
(or failed, when we cancelled it because the terminal refused the tag or no tag came).
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from onprem.integrations.cashless import services as terminal_log
from onprem.integrations.cashless.client import CashlessClient, tls_verify
from onprem.integrations.cashless.errors import (
    CashlessError,
    PaymentTypeNotFoundError,
    ResourceNotFoundError,
    TerminalUnreachableError,
)
from smartcart.cashless_api.models import CartItem, DeviceConfig, JobStatus, PurchaseRequest

from . import orders, till
from .choices import OPEN_SESSION_STATES, PaymentMethod, PaymentState, SessionState
from .models import BasketLine, Payment, ShoppingSession
from .money import basket_totals

log = logging.getLogger(__name__)
POLL_GAP = 0.5  # seconds between two status calls for one payment, however many apps poll
STATUS_TIMEOUT_SECONDS = 3.0  # a status call inside a shopper's request stays short
START_GRACE_SECONDS = 30  # a cashless payment with no job after this: its start task was lost
# While a job is Pending the terminal says why in statusDetails. These mean "still waiting";
# anything else is the terminal refusing the tag on the reader (not enough credits, invalid).
WAITING_DETAILS = {"", "waiting for an nfc tag", "cancellation requested"}


class CheckoutError(Exception):
    """A checkout the rules refuse; `status` is the HTTP status the API answers with."""

    status = 409

    def __init__(self, detail: str, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status or self.status


def start_checkout(*, session: ShoppingSession, method: str) -> tuple[Payment, bool]:
    """Start paying the session's basket; (payment, created).

    A payment already waiting or paid is returned as it is (created False): a retried checkout
    never charges twice. The database's one-open-payment-per-session column decides races.
    """
    with transaction.atomic():
        locked = ShoppingSession.objects.select_for_update().get(pk=session.pk)
        existing = current_payment(session=locked)
        if existing is not None:
            return existing, False
        if locked.state not in OPEN_SESSION_STATES:
            raise CheckoutError("this session has ended")
        lines = list(BasketLine.objects.filter(session=locked))
        if not lines:
            raise CheckoutError("the basket is empty: scan something before paying", 400)
        payment = _create_payment(locked, method, basket_totals(lines).total)
        if payment is None:  # another request won the race for this session
            return current_payment(session=locked), False
        locked.state = SessionState.PAYING
        locked.save(update_fields=["state"])
        if method == PaymentMethod.CASHLESS:
            transaction.on_commit(lambda: _dispatch_start(payment.id))
    log.info(
        "checkout started payment=%s session=%s method=%s amount=%s",
        payment.id,
        locked.id,
        method,
        payment.amount,
    )
    return payment, True


def _create_payment(session: ShoppingSession, method: str, amount: Decimal) -> Payment | None:
    code = till.new_till_code() if method == PaymentMethod.TILL else None
    try:
        with transaction.atomic():
            return Payment.objects.create(
                session=session,
                open_session=session,
                method=method,
                amount=amount,
                basket_version=session.basket_version,
                till_code=code,
            )
    except IntegrityError:
        if Payment.objects.filter(open_session=session).exists():
            return None
        raise


def _dispatch_start(payment_id: uuid.UUID) -> None:
    from . import tasks  # tasks import this module

    tasks.start_cashless_payment.delay(str(payment_id))


def current_payment(*, session: ShoppingSession) -> Payment | None:
    """The payment waiting or paid for this session, if any."""
    return (
        Payment.objects.filter(
            session=session, state__in=(PaymentState.WAITING_FOR_TAG, PaymentState.PAID)
        )
        .order_by("-created_at")
        .first()
    )


def latest_payment(*, session: ShoppingSession) -> Payment | None:
    return Payment.objects.filter(session=session).order_by("-created_at").first()


# -- the terminal


def terminal(timeout: float | None = None) -> CashlessClient:
    """The store's cashless terminal; `timeout` shortens calls made inside a shopper's request."""
    limit = settings.CASHLESS_TIMEOUT_SECONDS
    return CashlessClient(
        settings.CASHLESS_URL,
        username=settings.CASHLESS_USERNAME,
        password=settings.CASHLESS_PASSWORD,
        verify=tls_verify(settings.CASHLESS_VERIFY_TLS),
        timeout=min(limit, timeout) if timeout else limit,
    )


def terminal_items(client: CashlessClient, lines: list[BasketLine]) -> list[CartItem]:
    """The basket as the terminal's cart: the sum of the items is the basket total exactly.

    Counted lines go as count × unit price; weighed lines as one item at the line total (a
    count is a whole number). Every item is the configured product that takes any price.
    """
    key, variant = settings.SHOPPING_CASHLESS_PRODUCT, settings.SHOPPING_CASHLESS_VARIANT
    items = []
    for line in lines:
        counted = not line.weighed and line.quantity == line.quantity.to_integral_value()
        count, price = (int(line.quantity), line.unit_price) if counted else (1, line.total)
        if price > 0:
            items.append(CartItem(count, key, variant, client.credits(price)))
    return items


def start_cashless_job(*, payment_id: uuid.UUID | str) -> Payment:
    """Start the purchase job of a waiting cashless payment (once) and record its id.

    Never waits for a tag. An unreachable or refusing terminal fails the payment with a
    sentence, and the session can be paid again.
    """
    payment = Payment.objects.select_related("session").get(pk=payment_id)
    if payment.state != PaymentState.WAITING_FOR_TAG or payment.cashless_job_id:
        return payment
    if payment.cancel_requested:
        return close_payment(payment_id=payment.id, state=PaymentState.CANCELLED)
    if payment.session.basket_version != payment.basket_version:
        return close_payment(
            payment_id=payment.id, state=PaymentState.FAILED, reason=BASKET_CHANGED
        )
    job_id = uuid.uuid4()
    claimed = Payment.objects.filter(
        pk=payment.id, cashless_job_id__isnull=True, state=PaymentState.WAITING_FOR_TAG
    ).update(cashless_job_id=job_id)
    if not claimed:
        return Payment.objects.get(pk=payment.id)
    try:
        _send_purchase(payment, str(job_id))
    except CashlessError as exc:
        log.warning("cashless start failed payment=%s job=%s: %s", payment.id, job_id, exc)
        _cancel_quietly(str(job_id))  # in case the request landed and only its answer was lost
        return close_payment(
            payment_id=payment.id, state=PaymentState.FAILED, reason=start_failure(exc)
        )
    log.info("cashless job started payment=%s job=%s", payment.id, job_id)
    payment = Payment.objects.get(pk=payment.id)
    if payment.state != PaymentState.WAITING_FOR_TAG:  # cancelled while the job was starting
        _cancel_quietly(str(job_id))
    return payment


BASKET_CHANGED = "the basket changed after payment started: pay again for the new basket"


def _send_purchase(payment: Payment, job_id: str) -> None:
    lines = list(BasketLine.objects.filter(session_id=payment.session_id))
    with terminal() as client:
        request_type = payment_type(client.config())  # one config call: credits() reuses it
        items = terminal_items(client, lines)
        charged = sum((i.count * i.single_price for i in items), Decimal(0))
        if charged != payment.amount:
            raise CashlessError(f"the basket comes to {charged}, the payment to {payment.amount}")
        request = PurchaseRequest(request_type, items)
        terminal_log.record_job_started(
            job_id=job_id, kind="purchase", request=request.to_wire(), amount=charged
        )
        client.start_purchase(job_id, request)


def payment_type(config: DeviceConfig) -> str:
    """SMARTCART_CASHLESS_PAYMENT_TYPE, or the terminal's first payment type of type Cashless
    (as the connector's purchase() chooses, from the config already fetched)."""
    if settings.CASHLESS_PAYMENT_TYPE:
        return settings.CASHLESS_PAYMENT_TYPE
    cashless = [t.id for t in config.payment_types if t.type == "Cashless"]
    if not cashless:
        raise PaymentTypeNotFoundError("the terminal offers no payment type of type Cashless")
    return cashless[0]


def start_failure(exc: CashlessError) -> str:
    if isinstance(exc, TerminalUnreachableError):
        return "the payment terminal cannot be reached: try again, or pay at the till"
    return f"the payment terminal refused the payment: {exc.error_message or exc.error_code}"


def _cancel_quietly(job_id: str) -> None:
    try:
        with terminal(STATUS_TIMEOUT_SECONDS) as client:
            client.cancel_purchase(job_id)
    except CashlessError:
        pass


# -- following a job


def refresh_payment(*, payment: Payment) -> Payment:
    """A waiting cashless payment brought up to date with the terminal (at most one status
    call per payment every POLL_GAP seconds, however many requests ask)."""
    if not _followable(payment):
        return payment
    slot = f"shopping:payment-poll:{payment.id}:{int(time.time() / POLL_GAP)}"
    if not cache.add(slot, 1, timeout=5):
        return payment
    return follow_once(payment_id=payment.id)


def _followable(payment: Payment) -> bool:
    return (
        payment.method == PaymentMethod.CASHLESS
        and payment.state == PaymentState.WAITING_FOR_TAG
        and payment.cashless_job_id is not None
    )


def follow_once(*, payment_id: uuid.UUID | str) -> Payment:
    """Ask the terminal once where the job stands and act on it (bounded calls, no waiting).

    Pending with a refusal (not enough credits, invalid tag), past the purchase timeout, or
    with the shopper's cancel pending: ask the terminal to cancel, then read its answer.
    """
    payment = Payment.objects.get(pk=payment_id)
    if not _followable(payment):
        return payment
    job_id = str(payment.cashless_job_id)
    try:
        with terminal(STATUS_TIMEOUT_SECONDS) as client:
            status = client.purchase_status(job_id)
            if not status.is_final and _should_cancel(payment, status):
                client.cancel_purchase(job_id)
                status = client.purchase_status(job_id)
    except ResourceNotFoundError:
        return close_payment(
            payment_id=payment.id,
            state=PaymentState.FAILED,
            reason="the payment terminal no longer knows this payment: try again",
        )
    except CashlessError as exc:
        return _unanswered(payment, exc)
    terminal_log.record_job_status(job_id=job_id, status=status, via="poll")
    return apply_status(payment_id=payment.id, status=status)


def _should_cancel(payment: Payment, status: JobStatus) -> bool:
    details = (status.status_details or "").strip()
    if details.lower() not in WAITING_DETAILS:
        _note_failure(payment, details)  # the terminal's words, e.g. not enough credits
        return True
    if _age(payment) > settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS:
        _note_failure(
            payment,
            f"no tag paid within {settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS} seconds, "
            "so the payment was cancelled",
        )
        return True
    return payment.cancel_requested


def _note_failure(payment: Payment, reason: str) -> None:
    # Kept before the cancel: once the terminal confirms it, a reason makes it failed, not cancelled.
    if not payment.failure_reason:
        payment.failure_reason = reason
        Payment.objects.filter(pk=payment.pk, failure_reason="").update(failure_reason=reason)


def _unanswered(payment: Payment, exc: CashlessError) -> Payment:
    # The terminal is the only one who knows whether a tag paid: keep waiting, but not forever.
    log.warning("cashless status unknown payment=%s: %s", payment.id, exc)
    if _age(payment) > 2 * settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS:
        log.error(
            "cashless payment=%s job=%s given up unconfirmed: check the terminal",
            payment.id,
            payment.cashless_job_id,
        )
        return close_payment(
            payment_id=payment.id,
            state=PaymentState.FAILED,
            reason="the payment terminal stopped answering; ask staff before paying again",
        )
    return payment


def apply_status(*, payment_id: uuid.UUID | str, status: JobStatus) -> Payment:
    """Act on the terminal's word about a payment's job."""
    if status.status == "Success":
        tag = status.result.tag_nr if status.result else "?"
        try:
            return orders.record_paid(payment_id=payment_id, via=f"cashless tag {tag}")
        except orders.PaymentClosed as exc:  # charged for a basket that changed: no order
            return close_payment(
                payment_id=payment_id,
                state=PaymentState.FAILED,
                reason=f"{exc}; tag {tag} was charged, so staff will refund it",
            )
    if status.status == "Cancelled":
        reason = Payment.objects.values_list("failure_reason", flat=True).get(pk=payment_id)
        state = PaymentState.FAILED if reason else PaymentState.CANCELLED
        return close_payment(payment_id=payment_id, state=state, reason=reason)
    return Payment.objects.get(pk=payment_id)


def close_payment(*, payment_id: uuid.UUID | str, state: str, reason: str = "") -> Payment:
    """End a waiting payment unpaid (failed or cancelled); its session may be paid again."""
    session_id = Payment.objects.values_list("session_id", flat=True).get(pk=payment_id)
    with transaction.atomic():
        session = ShoppingSession.objects.select_for_update().get(pk=session_id)
        payment = Payment.objects.select_for_update().get(pk=payment_id)
        if payment.state != PaymentState.WAITING_FOR_TAG:
            return payment
        payment.state, payment.failure_reason, payment.open_session = state, reason, None
        payment.save(update_fields=["state", "failure_reason", "open_session", "updated_at"])
        if session.state == SessionState.PAYING:
            session.state = SessionState.ACTIVE
            session.save(update_fields=["state"])
    log.info("payment ended payment=%s state=%s reason=%s", payment.id, state, reason)
    return payment


# -- cancelling


def cancel_checkout(*, session: ShoppingSession) -> Payment:
    """The shopper asks to stop paying. The terminal decides: cancelled, or paid if a tag
    paid first. A till payment is cancelled at once."""
    payment = latest_payment(session=session)
    if payment is None:
        raise CheckoutError("this session has no payment", 404)
    if payment.state != PaymentState.WAITING_FOR_TAG:
        raise CheckoutError(f"this payment is already {payment.state}: nothing to cancel")
    Payment.objects.filter(pk=payment.pk).update(cancel_requested=True)
    if payment.method == PaymentMethod.TILL or not payment.cashless_job_id:
        # No job on the terminal yet: its start task sees the flag and starts nothing.
        closed = Payment.objects.filter(pk=payment.pk, cashless_job_id__isnull=True).exists()
        if closed:
            return close_payment(payment_id=payment.pk, state=PaymentState.CANCELLED)
    return follow_once(payment_id=payment.pk)


# -- the sweep


def sweep_payments() -> dict[str, int]:
    """Follow every waiting payment once and end those nobody paid in time.

    Run by beat every SHOPPING_PAYMENT_SWEEP_SECONDS and by `manage.py sweep_payments`: it
    settles payments whose follow task was lost and releases baskets left at a till.
    """
    seen = {"waiting": 0, "settled": 0, "errors": 0}
    for payment in Payment.objects.filter(state=PaymentState.WAITING_FOR_TAG).order_by(
        "created_at"
    ):
        seen["waiting"] += 1
        try:
            after = _sweep_one(payment)
        except Exception:  # noqa: BLE001 - one payment's trouble must not stop the others'
            log.exception("payment sweep failed payment=%s: left for the next sweep", payment.pk)
            seen["errors"] += 1
            continue
        seen["settled"] += after.state != PaymentState.WAITING_FOR_TAG
    return seen


def _sweep_one(payment: Payment) -> Payment:
    if payment.method == PaymentMethod.TILL:
        if _age(payment) <= settings.SHOPPING_TILL_TIMEOUT_SECONDS:
            return payment
        minutes = settings.SHOPPING_TILL_TIMEOUT_SECONDS // 60
        return close_payment(
            payment_id=payment.pk,
            state=PaymentState.FAILED,
            reason=f"nobody paid at the till within {minutes} minutes",
        )
    if payment.cashless_job_id:
        return follow_once(payment_id=payment.pk)
    if _age(payment) <= START_GRACE_SECONDS:
        return payment
    if _age(payment) > settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS:
        return close_payment(
            payment_id=payment.pk,
            state=PaymentState.FAILED,
            reason="the payment terminal was never reached: try again",
        )
    return start_cashless_job(payment_id=payment.pk)  # its start task was lost


def _age(payment: Payment) -> float:
    return (timezone.now() - payment.created_at) / timedelta(seconds=1)
