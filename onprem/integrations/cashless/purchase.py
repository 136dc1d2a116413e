"""The purchase helper: start a job, follow it to its end, cancel it properly, give up clearly.

A job is followed by polling its status every poll interval (the seed warns that events may
be lost); a final status the terminal pushes (stored by the event receiver) makes us poll at
once, and only the polled answer counts.
Only Cancelled and Success are final: after asking to cancel we keep checking, since the
job may still complete (the shopper's tag was already on the reader).
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from onprem.integrations.cashless import services
from onprem.integrations.cashless.client import CashlessClient
from onprem.integrations.cashless.errors import (
    CashlessError,
    PaymentTypeNotFoundError,
    PurchaseTimedOutError,
)
from smartcart.cashless_api.models import (
    AccreditRequest,
    CartItem,
    JobStatus,
    NfcTag,
    PurchaseRequest,
)

log = logging.getLogger(__name__)
CANCEL_GRACE_SECONDS = 5.0


@dataclass
class JobOutcome:
    job_id: str
    status: str  # Success | Cancelled
    tag: NfcTag | None  # the tag's state after the job, on Success
    via: str  # event | poll
    status_details: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "Success"


def purchase(
    *,
    client: CashlessClient,
    items: list[CartItem],
    payment_type: str | None = None,
    required_chip: str | None = None,
    timeout: float | None = None,
    poll_seconds: float | None = None,
) -> JobOutcome:
    """Sell `items` to the next tag on the reader; returns on Success or Cancelled.

    Raises PurchaseTimedOutError (after cancelling) when no tag pays within `timeout`.
    """
    items = [
        CartItem(i.count, i.product_key, i.variant_key, client.credits(i.single_price))
        for i in items
    ]
    request = PurchaseRequest(payment_type or choose_payment_type(client), items, required_chip)
    total = sum((i.count * i.single_price for i in items), Decimal(0))
    job_id = str(uuid.uuid4())
    services.record_job_started(
        job_id=job_id, kind="purchase", request=request.to_wire(), amount=total
    )
    client.start_purchase(job_id, request)
    return _see_through(client, "purchase", job_id, timeout, poll_seconds)


def accredit(
    *,
    client: CashlessClient,
    request: AccreditRequest,
    timeout: float | None = None,
    poll_seconds: float | None = None,
) -> JobOutcome:
    """Write an accreditation on the next tag on the reader; same rules as `purchase`."""
    job_id = str(uuid.uuid4())
    amount = request.normal_credits + request.pre_gift_credits + request.pure_gift_credits
    services.record_job_started(
        job_id=job_id, kind="accredit", request=request.to_wire(), amount=amount
    )
    client.start_accreditation(job_id, request)
    return _see_through(client, "accredit", job_id, timeout, poll_seconds)


def cancel(
    *,
    client: CashlessClient,
    kind: str,
    job_id: str,
    timeout: float = CANCEL_GRACE_SECONDS,
    poll_seconds: float | None = None,
) -> JobOutcome:
    """Ask the terminal to cancel, then wait for the job's real end: Cancelled, or Success after all."""
    _cancel_call(client, kind)(job_id)
    outcome = follow(
        client=client, kind=kind, job_id=job_id, timeout=timeout, poll_seconds=poll_seconds
    )
    if outcome is None:
        raise PurchaseTimedOutError(
            f"the terminal did not confirm cancelling {kind} job {job_id} "
            f"within {timeout:g}s; check its status before charging again"
        )
    return outcome


def follow(
    *,
    client: CashlessClient,
    kind: str,
    job_id: str,
    timeout: float,
    poll_seconds: float | None = None,
) -> JobOutcome | None:
    """Wait until the terminal says the job is final; None if `timeout` runs out.

    Only the terminal's own answer ends a job. A pushed final status is a hint that makes us
    ask at once: the callback URL is a shared secret, and a forged or replayed event must
    never complete a sale the terminal still has pending.
    """
    poll_every = poll_seconds if poll_seconds is not None else settings.CASHLESS_POLL_MS / 1000
    deadline, next_poll = time.monotonic() + timeout, time.monotonic() + poll_every
    checked_hint = None
    while True:
        hint = services.latest_pushed_final(job_id)
        hinted = hint is not None and hint[0] != checked_hint
        if hinted or time.monotonic() >= next_poll:
            checked_hint = hint[0] if hint else None
            polled = _status_call(client, kind)(job_id)
            if polled.is_final:
                return _finish(job_id, polled, "event" if hinted else "poll")
            services.record_job_status(job_id=job_id, status=polled, via="poll")
            if hinted:
                log.warning(
                    "cashless event said job=%s is %s but the terminal says %s: event ignored",
                    job_id,
                    hint[1].status,
                    polled.status,
                )
            next_poll = time.monotonic() + poll_every
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)


def _see_through(
    client: CashlessClient,
    kind: str,
    job_id: str,
    timeout: float | None,
    poll_seconds: float | None,
) -> JobOutcome:
    timeout = timeout if timeout is not None else settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS
    outcome = follow(
        client=client, kind=kind, job_id=job_id, timeout=timeout, poll_seconds=poll_seconds
    )
    if outcome is not None:
        return outcome
    log.warning(
        "cashless job timed out job=%s kind=%s after=%ss, cancelling", job_id, kind, timeout
    )
    details = _last_details(client, kind, job_id)
    ended = cancel(client=client, kind=kind, job_id=job_id, poll_seconds=poll_seconds)
    if ended.succeeded:  # a tag paid while we were cancelling: the sale stands
        return ended
    raise PurchaseTimedOutError(
        f"no tag completed {kind} job {job_id} within {timeout:g}s, so it was "
        f"cancelled; the terminal said: {details or 'waiting for an nfc tag'}"
    )


def _last_details(client: CashlessClient, kind: str, job_id: str) -> str | None:
    try:
        return _status_call(client, kind)(job_id).status_details
    except CashlessError:
        return None


def _finish(job_id: str, status: JobStatus, via: str) -> JobOutcome:
    services.record_job_status(job_id=job_id, status=status, via=via)
    return JobOutcome(job_id, status.status, status.result, via, status.status_details)


def _status_call(client: CashlessClient, kind: str):
    return client.purchase_status if kind == "purchase" else client.accreditation_status


def _cancel_call(client: CashlessClient, kind: str):
    return client.cancel_purchase if kind == "purchase" else client.cancel_accreditation


def choose_payment_type(client: CashlessClient) -> str:
    """SMARTCART_CASHLESS_PAYMENT_TYPE, or the device's first payment type of type Cashless."""
    if settings.CASHLESS_PAYMENT_TYPE:
        return settings.CASHLESS_PAYMENT_TYPE
    cashless = [t for t in client.config().payment_types if t.type == "Cashless"]
    if not cashless:
        raise PaymentTypeNotFoundError("the terminal offers no payment type of type Cashless")
    return cashless[0].id
