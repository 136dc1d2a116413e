from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from onprem.core.tokens import issue_token
from onprem.fleet.ingest import DeviceDirectory, Message, store_batch
from onprem.fleet.services import provision_device

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
# An ack of a command the store never sent (the store sends none yet): always a dead letter.
ACK = {"schema": "ack/1", "id": "c-1", "device": "cart-001", "state": "done", "result": {},
       "ts": "2026-11-22T10:00:00Z"}


@pytest.fixture
def fleet(db):
    """A small store: rack-01 (4 slots) and carts cart-001..cart-003."""
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")


def token_client(username: str, scopes: list[str], *, staff: bool = True) -> APIClient:
    get_user_model().objects.get_or_create(username=username, defaults={"is_staff": staff})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(username=username, scopes=scopes).token}")
    return client


@pytest.fixture
def staff_api(db) -> APIClient:
    return token_client("staff", ["staff"])


def cart_payload(device="cart-001", seq=0, *, boot="boot-a", soc=80.0, dock=None, at=None, health="ok",
                 faults=()) -> dict:
    return {
        "schema": "cart.telemetry/1", "device": device, "boot_id": boot, "seq": seq,
        "ts": (at or T0 + timedelta(seconds=seq)).isoformat().replace("+00:00", "Z"),
        "battery": {"soc": soc, "voltage": 25.2, "temperature": 28.5, "charging": dock is not None},
        "health": {"state": health, "faults": list(faults)},
        "dock": dock, "firmware": "1.0.0",
    }


def message(topic: str, payload) -> Message:
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return Message(topic, raw, datetime.now(UTC))


def cart_message(device="cart-001", seq=0, **kwargs) -> Message:
    return message(f"smartcart/store-001/cart/{device}/telemetry", cart_payload(device, seq, **kwargs))


def ingest(*messages: Message):
    return store_batch(list(messages), DeviceDirectory())
