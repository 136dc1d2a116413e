"""Payments nobody follows or pays: the sweep (beat, or manage.py sweep_payments) ends them."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from onprem.shopping.models import Payment, ShoppingSession


def age(payment_id: str, seconds: int) -> None:
    Payment.objects.filter(pk=payment_id).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def sweep() -> dict:
    out = StringIO()
    call_command("sweep_payments", stdout=out)
    return json.loads(out.getvalue())


def test_it_cancels_a_cashless_payment_no_tag_paid_in_time(app, visit, terminal, settings):
    settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS = 60
    payment = app.checkout(visit.id).json()
    assert sweep() == {"waiting": 1, "settled": 0, "errors": 0}  # young: left waiting

    age(payment["id"], 61)
    assert sweep() == {"waiting": 1, "settled": 1, "errors": 0}
    ended = Payment.objects.get(pk=payment["id"])
    assert ended.state == "failed"
    assert ended.failure_reason == ("no tag paid within 60 seconds, so the payment was cancelled")
    assert [job["status"] for job in terminal.jobs()] == ["Cancelled"]
    assert ShoppingSession.objects.get(pk=visit.id).state == "active"


def test_it_settles_a_payment_whose_follower_was_lost(app, visit, terminal):
    payment = app.checkout(visit.id).json()
    terminal.present(tagNr="04AA000000081", normalCredits="50")  # and nobody polls

    assert sweep() == {"waiting": 1, "settled": 1, "errors": 0}
    assert Payment.objects.get(pk=payment["id"]).state == "paid"


def test_it_releases_a_basket_left_at_the_till(app, visit, settings):
    settings.SHOPPING_TILL_TIMEOUT_SECONDS = 900
    payment = app.checkout(visit.id, "till").json()
    age(payment["id"], 901)

    assert sweep() == {"waiting": 1, "settled": 1, "errors": 0}
    ended = Payment.objects.get(pk=payment["id"])
    assert (ended.state, ended.failure_reason) == (
        "failed",
        "nobody paid at the till within 15 minutes",
    )
    assert ShoppingSession.objects.get(pk=visit.id).state == "active"


def test_it_is_scheduled_by_beat(settings):
    from onprem.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["shopping-payment-sweep"]
    assert entry["task"] in app.tasks and entry["schedule"] == 10.0
