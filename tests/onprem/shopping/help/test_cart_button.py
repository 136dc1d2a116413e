"""The cart's help button through ingest's own code: event messages in a batch, as ingest
stores them from the broker (test_help_button_over_mqtt.py crosses the real broker)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from onprem.fleet.ingest import DeviceDirectory, Message, store_batch
from onprem.fleet.models import DeviceEvent
from onprem.shopping.models import HelpRequest

from .conftest import assist_lights, help_url


def pressed(device: str, seq: int, *, boot: str = "boot-a", event: str = "help_requested"):
    body = {
        "schema": "event/1",
        "device": device,
        "boot_id": boot,
        "seq": seq,
        "ts": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "event": event,
        "data": {},
    }
    topic = f"smartcart/store-001/cart/{device}/event"
    return Message(topic, json.dumps(body).encode(), datetime.now(UTC))


def ingest(*messages: Message) -> None:
    store_batch(list(messages), DeviceDirectory())


def test_it_opens_a_request_on_the_shoppers_session(ada_session, ada_app, staff):
    ingest(pressed("cart-001", 0))

    mine = ada_app.get(help_url(ada_session)).json()["results"]
    assert [(r["source"], r["state"]) for r in mine] == [("cart_button", "open")]
    listed = staff.get("/api/v1/help-requests/").json()["results"]
    assert listed[0]["cart"]["device_id"] == "cart-001"
    assert listed[0]["session"] == str(ada_session.pk)
    assert assist_lights("cart-001") == [True]


def test_it_opens_one_request_for_an_event_delivered_twice(ada_session):
    ingest(pressed("cart-001", 0), pressed("cart-001", 0))
    ingest(pressed("cart-001", 0))

    assert HelpRequest.objects.count() == 1
    assert HelpRequest.objects.get().event_key == "cart-001/boot-a/0"
    assert assist_lights("cart-001") == [True]


def test_it_opens_one_request_per_press(ada_session):
    ingest(pressed("cart-001", 0), pressed("cart-001", 1))
    ingest(pressed("cart-001", 0, boot="boot-b"))

    assert HelpRequest.objects.filter(session=ada_session).count() == 3
    assert assist_lights("cart-001") == [True]


def test_it_opens_a_cart_only_request_when_nobody_is_paired(carts, staff):
    ingest(pressed("cart-002", 7))

    request = HelpRequest.objects.get()
    assert request.session is None and request.cart.device_id == "cart-002"
    listed = staff.get("/api/v1/help-requests/?state=open").json()["results"]
    assert [(r["cart"]["device_id"], r["session"], r["source"]) for r in listed] == [
        ("cart-002", None, "cart_button")
    ]
    assert assist_lights("cart-002") == [True]


def test_it_ignores_other_events(carts):
    ingest(pressed("cart-001", 0, event="fault_raised"))

    assert DeviceEvent.objects.count() == 1
    assert not HelpRequest.objects.exists() and assist_lights("cart-001") == []
