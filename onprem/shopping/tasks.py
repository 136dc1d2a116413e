"""Celery tasks of checkout: each takes a payment id and calls one verb of onprem.shopping.checkout.

Starting a purchase is one bounded call to the terminal; following it is one status call per
run. With a worker, the follow task re-schedules itself every CASHLESS_POLL_MS until the job
ends or the purchase times out; run eagerly (tests, the embedded demo) it does not re-schedule:
the app's polling and the sweep follow the job instead.
"""

from __future__ import annotations

from celery import Task, shared_task
from django.conf import settings

from . import checkout
from .choices import PaymentState


@shared_task(bind=True)
def start_cashless_payment(self: Task, payment_id: str) -> str:
    """Start the purchase job of a waiting cashless payment on the terminal."""
    payment = checkout.start_cashless_job(payment_id=payment_id)
    _follow_later(self, payment)
    return payment.state


@shared_task(bind=True)
def follow_cashless_payment(self: Task, payment_id: str) -> str:
    """Ask the terminal once where a payment's job stands; again later while it waits."""
    payment = checkout.follow_once(payment_id=payment_id)
    _follow_later(self, payment)
    return payment.state


def _follow_later(task: Task, payment) -> None:
    if task.request.is_eager or payment.state != PaymentState.WAITING_FOR_TAG:
        return
    if checkout._age(payment) > 2 * settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS:
        return  # the sweep ends it
    follow_cashless_payment.apply_async(
        (str(payment.pk),), countdown=settings.CASHLESS_POLL_MS / 1000
    )


@shared_task
def sweep_payments() -> dict:
    """Beat: follow every waiting payment once, end those nobody paid in time."""
    return checkout.sweep_payments()
