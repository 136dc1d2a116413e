"""Messages built to break ingest: each costs one dead letter with its reason, nothing more."""

from __future__ import annotations

import json

import pytest

from onprem.fleet.models import CartReading, DeadLetter, DeviceEvent
from smartcart.protocol import CartTelemetry

from .conftest import cart_message, cart_payload, ingest, message

TOPIC = "smartcart/store-001/cart/cart-001/telemetry"
GOOD = json.dumps(cart_payload(seq=9)).encode()


def deep(levels: int) -> bytes:
    return b'{"schema": "cart.telemetry/1", "x": ' + b"[" * levels + b"]" * levels + b"}"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (deep(30_000), "nests deeper than 32 levels"),
        (
            json.dumps({**cart_payload(), "ts": "9999-12-31T23:59:59-12:00"}).encode(),
            "is not a time between",
        ),
        (
            json.dumps({**cart_payload(), "ts": "0001-01-01T00:00:00+14:00"}).encode(),
            "is not a time between",
        ),
        (
            json.dumps({**cart_payload(), "ts": "20261122T100000Z"}).encode(),
            "is not an RFC 3339 timestamp",
        ),
        (b"\xef\xbb\xbf" + GOOD, "byte order mark"),
        (GOOD.decode().encode("utf-16"), "is not UTF-8 text"),
        (GOOD.decode().encode("utf-16-le"), "NUL bytes (UTF-16 is not accepted)"),
        (GOOD.replace(b'"1.0.0"', b'"\xed\xa0\x80"'), "is not UTF-8 text"),
        (GOOD.replace(b'"boot-a"', b'"\\ud800"'), "lone UTF-16 surrogate"),
        (
            json.dumps({**cart_payload(), "schema": "x" * 50_000}).encode(),
            "characters) is not 'cart.telemetry/1'",
        ),
        (GOOD.replace(b'"soc": 80.0', b'"soc": NaN'), "NaN is not a JSON number"),
        (GOOD.replace(b'"soc": 80.0', b'"soc": 1e400'), "number 1e400 is too large"),
    ],
    ids=[
        "nested-30000",
        "ts-overflow",
        "ts-underflow",
        "ts-basic-format",
        "bom",
        "utf16",
        "utf16-le",
        "encoded-surrogate",
        "escaped-lone-surrogate",
        "huge-value",
        "nan",
        "infinite",
    ],
)
def test_it_dead_letters_a_poison_message_and_stores_the_rest(fleet, payload, reason):
    batch = ingest(cart_message(seq=1), message(TOPIC, payload), cart_message(seq=2))

    letter = DeadLetter.objects.get()
    assert reason in letter.reason, letter.reason
    assert len(letter.reason) <= 1000
    assert CartReading.objects.count() == 2 and len(batch.dead) == 1


def test_it_accepts_a_surrogate_pair_escape_and_more_than_six_fraction_digits(fleet):
    event = {
        "schema": "event/1",
        "device": "cart-001",
        "boot_id": "boot-a",
        "seq": 0,
        "ts": "2026-11-22T10:00:00.123456789Z",
        "event": "note",
        "data": {"text": "PLACEHOLDER"},
    }
    payload = json.dumps(event).encode().replace(b"PLACEHOLDER", b"\\ud83d\\ude00")

    ingest(message("smartcart/store-001/cart/cart-001/event", payload))

    assert DeadLetter.objects.count() == 0
    assert DeviceEvent.objects.get().data == {"text": "\U0001f600"}


def test_it_dead_letters_a_message_whose_reading_raises_anything(fleet, monkeypatch):
    # Injected: whatever a future bug raises while reading one message, that message alone pays.
    real_parse = CartTelemetry.parse

    def parse(payload):
        if b'"seq": 2,' in payload:
            raise ZeroDivisionError("injected")
        return real_parse(payload)

    monkeypatch.setattr(CartTelemetry, "parse", staticmethod(parse))

    ingest(cart_message(seq=1), cart_message(seq=2), cart_message(seq=3))

    assert (
        "ingest could not read it (ZeroDivisionError: injected)" in DeadLetter.objects.get().reason
    )
    assert sorted(CartReading.objects.values_list("seq", flat=True)) == [1, 3]
