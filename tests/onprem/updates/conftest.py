"""Updates tests: a store with one rack and three carts, a signing key the store trusts, real
releases built with smartcart.release, telemetry and events fed to ingest in-process (as the
ingest process does: store_batch, then the batch_stored signal), callers with tokens, sessions
or a device's own Basic credentials."""

from __future__ import annotations

import base64
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from onprem.core.tokens import issue_token
from onprem.fleet.ingest import Batch, DeviceDirectory, Message, store_batch
from onprem.fleet.services import provision_device
from onprem.fleet.signals import batch_stored, tell
from onprem.updates import artifacts, releases
from onprem.updates.models import Release
from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate
from tests.conftest import wait_until  # noqa: F401 - the tests here import it from this conftest
from tests.onprem.auth.conftest import person

T0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=30)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def store(db, tmp_path, settings) -> dict:
    """rack-01 and rack-02 (4 slots each), carts cart-001..cart-003, all offline; a signing
    key the store trusts; the artifact cache under tmp_path. Returns each device's password."""
    settings.VAR_DIR = tmp_path / "var"
    private, public, _ = generate(tmp_path / "keys")
    settings.RELEASE_TRUST = (public,)
    settings.OTA_WINDOW = ""
    settings.OTA_BATTERY_FLOOR = 30
    settings.OTA_CONCURRENCY = 25
    passwords = {"key": private}
    for rack in ("rack-01", "rack-02"):
        passwords[rack] = provision_device(kind="rack", device_id=rack, slot_count=4).password
    for n in (1, 2, 3):
        passwords[f"cart-00{n}"] = provision_device(kind="cart", device_id=f"cart-00{n}").password
    return passwords


def build(
    store: dict,
    tmp: Path,
    version: str,
    *,
    hardware: str = "cart-v1",
    broken: bool = False,
    expires_days: float = 90,
    payload_bytes: int = 0,
) -> tuple[dict, Path]:
    """A signed release: (manifest dict, artifact path)."""
    image = sample_image(
        version=version,
        out=tmp / f"src-{hardware}-{version}.tar.gz",
        broken=broken,
        payload_bytes=payload_bytes,
    )
    manifest, artifact = build_release(
        image=image,
        version=version,
        hardware=hardware,
        channel="stable",
        expires_days=expires_days,
        key=store["key"],
        out=tmp / "dist",
    )
    return json.loads(manifest.read_text()), artifact


def announce(manifest: dict, *, cloud_id: int = 1) -> Release:
    return releases.record_release(
        release=cloud_id, manifest=manifest, artifact_path=f"/api/v1/releases/{cloud_id}/artifact/"
    )


@pytest.fixture
def release_cached(store, tmp_path):
    """cached(version, cloud_id=1, hardware="cart-v1") -> a Release whose verified artifact is
    in the store's cache (as if fetched)."""

    def cached(version: str, cloud_id: int = 1, hardware: str = "cart-v1") -> Release:
        manifest, artifact = build(store, tmp_path, version, hardware=hardware)
        release = announce(manifest, cloud_id=cloud_id)
        shutil.copyfile(artifact, artifacts.cached_path(release.sha256))
        assert releases.fetch_release(release) == "cached"
        release.refresh_from_db()
        return release

    return cached


def ts(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def cart_reading(
    device: str,
    seq: int,
    *,
    rack: str | None = "rack-01",
    slot: int = 1,
    soc: float = 80.0,
    charging: bool | None = None,
    firmware: str = "1.0.0",
) -> Message:
    body = {
        "schema": "cart.telemetry/1",
        "device": device,
        "boot_id": "boot-a",
        "seq": seq,
        "ts": ts(T0 + timedelta(seconds=seq)),
        "battery": {
            "soc": soc,
            "voltage": 25.2,
            "temperature": 28.5,
            "charging": rack is not None if charging is None else charging,
        },
        "health": {"state": "ok", "faults": []},
        "dock": {"rack": rack, "slot": slot} if rack else None,
        "firmware": firmware,
    }
    return message("cart", device, "telemetry", body)


def ota_event(
    device: str, seq: int, data: dict, *, kind: str = "cart", boot: str = "boot-a"
) -> Message:
    body = {
        "schema": "event/1",
        "device": device,
        "boot_id": boot,
        "seq": seq,
        "ts": ts(T0 + timedelta(seconds=seq)),
        "event": "ota",
        "data": data,
    }
    return message(kind, device, "event", body)


def message(kind: str, device: str, channel: str, body: dict) -> Message:
    where = f"smartcart/{settings.STORE_ID}/{kind}/{device}/{channel}"
    return Message(where, json.dumps(body).encode(), datetime.now(UTC))


def ingest(*messages: Message) -> Batch:
    """Store the messages as one batch and tell the apps, as the ingest process does."""
    batch = store_batch(list(messages), DeviceDirectory())
    tell(batch_stored, batch=batch)
    return batch


_seq = iter(range(1, 10**6))


def ready(*carts: str, slot: int = 1, **reading) -> None:
    """Each cart online, docked in rack-01 (slot 1, 2, ... or from `slot`), charging, at 80 %,
    firmware 1.0.0, unless told otherwise."""
    ingest(
        *(
            cart_reading(cart, next(_seq), slot=n, **reading)
            for n, cart in enumerate(carts, start=slot)
        )
    )


def bearer(user, scope: str) -> Client:
    return Client(
        headers={
            "Authorization": f"Bearer {issue_token(username=user.username, scopes=[scope]).token}"
        }
    )


def basic(username: str, password: str) -> Client:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return Client(headers={"Authorization": f"Basic {raw}"})


@pytest.fixture
def staff(db) -> Client:
    return bearer(person("stella", staff=True), "staff")


def post(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")
