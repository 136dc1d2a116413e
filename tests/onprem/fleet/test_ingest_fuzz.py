"""Ingest against generated hostile input: every message is taken or dead-lettered, none raises,
and the fleet API answers afterwards. Bounded: a few hundred examples, a few seconds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onprem.fleet.ingest import DeviceDirectory, Message, store_batch

from .conftest import ACK, cart_payload

STORE = "store-001"
DEVICES = ["cart-001", "cart-002", "rack-01", "cart-999"]
CHANNELS = ["telemetry", "status", "event", "ack", "cmd", "diagnostics"]
RACK = {
    "schema": "rack.telemetry/1",
    "device": "rack-01",
    "boot_id": "r1",
    "seq": 0,
    "ts": "2026-11-22T10:00:00Z",
    "slots": [{"slot": 1, "cart": "cart-001", "charging_current": 1.0}],
    "health": {"state": "ok", "faults": []},
    "firmware": "2.1.0",
}
STATUS = {
    "schema": "status/1",
    "device": "cart-001",
    "state": "online",
    "boot_id": "b1",
    "firmware": "1.0.0",
}
EVENT = {
    "schema": "event/1",
    "device": "cart-001",
    "boot_id": "b1",
    "seq": 0,
    "ts": "2026-11-22T10:00:00Z",
    "event": "docked",
    "data": {"rack": "rack-01", "slot": 1},
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def topics(draw) -> str:
    store = draw(st.sampled_from([STORE, STORE, "store-999", "", "+", "#"]))
    kind = draw(st.sampled_from(["cart", "rack", "cart", "shelf"]))
    parts = [
        "smartcart",
        store,
        kind,
        draw(st.sampled_from(DEVICES)),
        draw(st.sampled_from(CHANNELS)),
    ]
    if draw(st.booleans()) and draw(st.booleans()):
        parts.append(draw(st.text(max_size=8)))
    return "/".join(parts)


@st.composite
def payloads(draw) -> bytes:
    base = draw(
        st.sampled_from([cart_payload(seq=draw(st.integers(0, 50))), RACK, STATUS, EVENT, ACK])
    )
    mutation = draw(st.sampled_from(["keep", "replace", "drop", "bytes", "truncate"]))
    if mutation == "bytes":
        return draw(st.binary(max_size=200))
    data = dict(base)
    key = draw(st.sampled_from(sorted(data)))
    if mutation == "replace":
        data[key] = draw(json_values)
    elif mutation == "drop":
        del data[key]
    raw = json.dumps(data).encode()
    return raw[: draw(st.integers(0, len(raw)))] if mutation == "truncate" else raw


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.lists(st.tuples(topics(), payloads()), min_size=1, max_size=8))
def test_every_message_is_taken_or_dead_lettered_and_the_api_answers(fleet, staff_api, batch):
    messages = [Message(topic, payload, datetime.now(UTC)) for topic, payload in batch]

    done = store_batch(messages, DeviceDirectory(STORE))

    taken = (
        len(done.cart_readings) + len(done.rack_readings) + len(done.events) + len(done.statuses)
    )
    assert taken + len(done.dead) == len(messages)
    assert all(letter.reason for letter in done.dead)
    for url in (
        "/api/v1/carts/",
        "/api/v1/racks/",
        "/api/v1/dead-letters/",
        "/api/v1/carts/cart-001/",
        "/api/v1/carts/cart-001/telemetry/",
    ):
        assert staff_api.get(url).status_code == 200, url
