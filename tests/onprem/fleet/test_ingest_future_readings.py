"""A device with a wrong clock: refused past the allowed skew, and never pins a cart's state."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from onprem.fleet.ingest import Message
from onprem.fleet.models import Cart, CartReading, CartState, DeadLetter

from .conftest import cart_payload, ingest

TOPIC = "smartcart/store-001/cart/cart-001/telemetry"


def reading(seq: int, *, ts: datetime, received_at: datetime, soc: float) -> Message:
    return Message(TOPIC, json.dumps(cart_payload(seq=seq, at=ts, soc=soc)).encode(), received_at)


def test_it_dead_letters_a_reading_from_beyond_the_allowed_skew(fleet, settings):
    settings.INGEST_MAX_SKEW_SECONDS = 300
    now = datetime.now(UTC)

    ingest(reading(1, ts=now + timedelta(days=1), received_at=now, soc=10.0))

    assert "ahead of the store's clock (at most 300 s allowed)" in DeadLetter.objects.get().reason
    assert CartReading.objects.count() == 0


def test_it_dead_letters_the_last_second_of_year_9999(fleet):
    payload = json.dumps({**cart_payload(), "ts": "9999-12-31T23:59:59Z"}).encode()

    ingest(Message(TOPIC, payload, datetime.now(UTC)))

    assert "is not a time between" in DeadLetter.objects.get().reason
    assert CartReading.objects.count() == 0 and not CartState.objects.exists()


def test_a_reading_ahead_within_the_skew_does_not_outrank_the_next_honest_one(fleet, settings):
    settings.INGEST_MAX_SKEW_SECONDS = 300
    now = datetime.now(UTC)

    ingest(reading(1, ts=now + timedelta(seconds=240), received_at=now, soc=10.0))
    ingest(
        reading(2, ts=now + timedelta(seconds=1), received_at=now + timedelta(seconds=2), soc=77.0)
    )

    state = Cart.objects.get(device_id="cart-001").state
    assert state.soc == 77.0
    assert CartReading.objects.count() == 2, "both readings stay in the history"
