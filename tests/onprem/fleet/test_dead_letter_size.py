"""A dead letter keeps a prefix of what was sent, its size and hash: never the whole of it."""

from __future__ import annotations

import hashlib

from onprem.fleet.dead_letters import KEPT_BYTES
from onprem.fleet.models import DeadLetter

from .conftest import ingest, message, staff_api  # noqa: F401 - fixture

TOPIC = "smartcart/store-001/cart/cart-001/telemetry"


def test_it_keeps_a_prefix_size_and_hash_of_a_20_mb_message(fleet, staff_api):  # noqa: F811
    huge = b'{"schema": "cart.telemetry/1", "pad": "' + b"x" * 20_000_000 + b'"}'

    ingest(message(TOPIC, huge), message(TOPIC, huge), message(TOPIC, huge))

    letters = DeadLetter.objects.all()
    assert len(letters) == 3
    for letter in letters:
        assert len(bytes(letter.payload)) == KEPT_BYTES
        assert letter.payload_size == len(huge)
        assert letter.payload_sha256 == hashlib.sha256(huge).hexdigest()
        assert "over the 65536 byte limit" in letter.reason
    page = staff_api.get("/api/v1/dead-letters/")
    assert page.status_code == 200
    assert len(page.content) < 50_000
    shown = page.json()["results"][0]
    assert shown["payload_size"] == len(huge) and shown["truncated"] is True
    assert shown["payload_sha256"] == hashlib.sha256(huge).hexdigest()


def test_it_keeps_a_small_message_whole(fleet, staff_api):  # noqa: F811
    ingest(message(TOPIC, b"{not json"))

    shown = staff_api.get("/api/v1/dead-letters/").json()["results"][0]
    assert (shown["payload"], shown["payload_size"], shown["truncated"]) == ("{not json", 9, False)
