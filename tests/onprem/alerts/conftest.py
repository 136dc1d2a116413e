"""Alert tests: a small store, messages fed to ingest in-process (store_batch, then the
batch_stored signal as the ingest process sends it) or published over the real broker to a
real `manage.py ingest`, and staff and other callers with bearer tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import paho.mqtt.client as mqtt
import pytest
from django.conf import settings
from django.test import Client

from onprem.alerts.models import Alert
from onprem.core.tokens import issue_token
from onprem.fleet.ingest import Batch, DeviceDirectory, Message, store_batch
from onprem.fleet.services import provision_device
from onprem.fleet.signals import batch_stored, tell
from tests.conftest import wait_until  # noqa: F401 - the tests here import it from this conftest
from tests.onprem.auth.conftest import person
from tests.onprem.shopping.help.conftest import ada, ada_app, ada_session, carts  # noqa: F401 - fixtures

# Close to now: readings further than the allowed skew ahead of the store's clock are refused.
T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def fleet(db):
    """rack-01 (4 slots) and carts cart-001..cart-003, all offline."""
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")


def ts(seconds: float, at: datetime | None = None) -> str:
    return (at or T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def cart_body(device="cart-001", seq=0, *, soc=80.0, dock=None, charging=None, health="ok", faults=(),
              boot="boot-a", at: datetime | None = None) -> dict:
    """A cart reading taken at T0 + seq seconds (or `at`)."""
    return {
        "schema": "cart.telemetry/1", "device": device, "boot_id": boot, "seq": seq, "ts": ts(seq, at),
        "battery": {"soc": soc, "voltage": 25.2, "temperature": 28.5,
                    "charging": dock is not None if charging is None else charging},
        "health": {"state": health, "faults": list(faults)}, "dock": dock, "firmware": "1.0.0",
    }


def rack_body(device="rack-01", seq=0, *, slots=(), health="ok", faults=(), boot="boot-r") -> dict:
    """slots: (number, cart or None, current) per slot."""
    return {
        "schema": "rack.telemetry/1", "device": device, "boot_id": boot, "seq": seq, "ts": ts(seq),
        "slots": [{"slot": n, "cart": c, "charging_current": a} for n, c, a in slots] or
        [{"slot": 1, "cart": None, "charging_current": 0.0}],
        "health": {"state": health, "faults": list(faults)}, "firmware": "1.0.0",
    }


def status_body(device="cart-001", state="offline", boot="boot-a") -> dict:
    return {"schema": "status/1", "device": device, "state": state, "boot_id": boot, "firmware": "1.0.0"}


def topic(kind: str, device: str, channel: str, store: str | None = None) -> str:
    return f"smartcart/{store or settings.STORE_ID}/{kind}/{device}/{channel}"


def kind_of(device: str) -> str:
    return "rack" if device.startswith("rack") else "cart"


def telemetry(body: dict) -> Message:
    return Message(topic(kind_of(body["device"]), body["device"], "telemetry"), json.dumps(body).encode(),
                   datetime.now(UTC))


def status(device="cart-001", state="offline", boot="boot-a") -> Message:
    return Message(topic(kind_of(device), device, "status"), json.dumps(status_body(device, state, boot)).encode(),
                   datetime.now(UTC))


def ingest(*messages: Message) -> Batch:
    """Store the messages as one batch and tell the apps, as the ingest process does."""
    batch = store_batch(list(messages), DeviceDirectory())
    tell(batch_stored, batch=batch)
    return batch


def alerts(kind: str | None = None) -> list[Alert]:
    found = Alert.objects.order_by("id")
    return list(found.filter(kind=kind) if kind else found)


def bearer(user, scope: str) -> Client:
    raw = issue_token(username=user.username, scopes=[scope]).token
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def anna(db):
    user = person("anna.k", staff=True)
    user.first_name = "Anna"
    user.save(update_fields=["first_name"])
    return user


@pytest.fixture
def staff(anna) -> Client:
    """Anna's staff token."""
    return bearer(anna, "staff")


def send(client: Client, path: str):
    return client.post(path, {}, content_type="application/json")


# Over the real broker ------------------------------------------------------------------------


def publisher(broker: dict) -> mqtt.Client:
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                         protocol=mqtt.MQTTv5 if broker["protocol"] == 5 else mqtt.MQTTv311)
    if broker.get("username"):
        client.username_pw_set(broker["username"], broker["password"])
    client.connect(broker["host"], broker["port"], keepalive=30)
    client.loop_start()
    return client


def publish(client: mqtt.Client, where: str, body: dict) -> None:
    client.publish(where, json.dumps(body), qos=1).wait_for_publish(10)




@pytest.fixture
def broker_client(mqtt_broker):
    client = publisher(mqtt_broker)
    yield client
    client.loop_stop()
    client.disconnect()
