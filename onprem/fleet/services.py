"""Verbs of the fleet domain: provisioning devices, exporting broker credentials, summaries."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from smartcart.protocol.topics import check_id

from . import credentials
from .choices import DeviceKind, Health
from .models import Cart, DeadLetter, IngestState, Rack, Slot, Store

log = logging.getLogger(__name__)
INGEST_STALE_SECONDS = 30


class FleetError(ValueError):
    """A fleet operation the caller asked for cannot be done; the text says why."""


@dataclass(frozen=True)
class Provisioned:
    kind: str
    device_id: str
    username: str
    password: str  # plaintext, shown once: only its hash is stored


def current_store() -> Store:
    store, _ = Store.objects.get_or_create(code=settings.STORE_ID, defaults={"name": settings.STORE_NAME})
    return store


def provision_device(*, kind: str, device_id: str, name: str = "", slot_count: int = 10) -> Provisioned:
    """Create a rack (with its slots) or a cart and its MQTT credentials."""
    try:
        check_id(device_id, "device id")
    except ValueError as exc:
        raise FleetError(str(exc)) from None
    model = {DeviceKind.RACK: Rack, DeviceKind.CART: Cart}.get(kind)
    if model is None:
        raise FleetError(f"kind {kind!r} must be rack or cart")
    if Rack.objects.filter(device_id=device_id).exists() or Cart.objects.filter(device_id=device_id).exists():
        raise FleetError(f"device {device_id} is already provisioned")
    if kind == DeviceKind.RACK and not 1 <= slot_count <= 64:
        raise FleetError(f"a rack has 1 to 64 slots, not {slot_count}")
    password = credentials.new_password()
    with transaction.atomic():
        fields = {"slot_count": slot_count} if kind == DeviceKind.RACK else {}
        device = model.objects.create(
            store=current_store(), device_id=device_id, name=name or device_id, mqtt_username=device_id,
            mqtt_password_hash=credentials.mosquitto_hash(password), **fields,
        )
        if kind == DeviceKind.RACK:
            Slot.objects.bulk_create(Slot(rack=device, number=n) for n in range(1, slot_count + 1))
    log.info("provisioned kind=%s device=%s", kind, device_id)
    return Provisioned(kind, device_id, device.mqtt_username, password)


def rotate_device_password(*, device_id: str) -> Provisioned:
    for model in (Rack, Cart):
        device = model.objects.filter(device_id=device_id).first()
        if device:
            password = credentials.new_password()
            device.mqtt_password_hash = credentials.mosquitto_hash(password)
            device.save(update_fields=["mqtt_password_hash"])
            return Provisioned(model.kind, device_id, device.mqtt_username, password)
    raise FleetError(f"device {device_id} is not provisioned")


def export_mosquitto(*, passwd_path: Path, acl_path: Path, service_users: dict[str, str] | None = None) -> int:
    """Write Mosquitto's password file and ACL for every device (plus service users' hashes).

    Service users (ingest, the on-prem API) read every store topic and write commands.
    """
    store = settings.STORE_ID
    devices = [(d, "rack") for d in Rack.objects.all()] + [(d, "cart") for d in Cart.objects.all()]
    passwd = [f"{d.mqtt_username}:{d.mqtt_password_hash}" for d, _ in devices]
    acl = [credentials.acl_block(d.mqtt_username, store, kind, d.device_id) for d, kind in devices]
    for username, password in (service_users or {}).items():
        passwd.append(f"{username}:{credentials.mosquitto_hash(password)}")
        acl.append(f"user {username}\ntopic read smartcart/{store}/#\ntopic write smartcart/{store}/+/+/cmd\n")
    passwd_path.write_text("\n".join(passwd) + "\n")
    acl_path.write_text("\n".join(acl))
    return len(devices)


def fleet_summary() -> dict:
    """Fleet counts for the uplink heartbeat and the dashboard header."""
    low = settings.LOW_BATTERY_PERCENT
    carts = Cart.objects.aggregate(
        total=Count("id"),
        online=Count("id", filter=Q(online=True)),
        low_battery=Count("id", filter=Q(state__soc__lt=low)),
        fault=Count("id", filter=Q(state__health=Health.FAULT)),
        docked=Count("id", filter=Q(state__dock_slot__isnull=False)),
    )
    racks = Rack.objects.aggregate(total=Count("id"), online=Count("id", filter=Q(online=True)))
    carts["offline"] = carts["total"] - carts["online"]
    racks["offline"] = racks["total"] - racks["online"]
    return {"carts": carts, "racks": racks}


def ingest_health() -> dict:
    """Is ingest alive (it writes a heartbeat row every few seconds) and how far behind is it."""
    state = IngestState.objects.order_by("-last_flush_at").first()
    if state is None or state.last_flush_at is None:
        return {"ok": False, "detail": "ingest has never run", "lag_ms": None, "last_flush_age_s": None,
                "stored_total": 0, "dead_total": DeadLetter.objects.count()}
    age = (timezone.now() - state.last_flush_at).total_seconds()
    ok = age < INGEST_STALE_SECONDS
    return {
        "ok": ok,
        "detail": "running" if ok else f"no heartbeat from ingest for {age:.0f} s",
        "lag_ms": state.lag_ms,
        "last_flush_age_s": round(age, 1),
        "stored_total": state.stored_total,
        "dead_total": state.dead_total,
    }


def mark_silent_devices_offline(*, silent_for: timedelta) -> int:
    """A device whose broker session died without a Last Will reaching us still goes offline."""
    cutoff = timezone.now() - silent_for
    racks = Rack.objects.filter(online=True, last_seen__lt=cutoff).update(online=False)
    carts = Cart.objects.filter(online=True, last_seen__lt=cutoff).filter(
        Q(state__isnull=True) | Q(state__received_at__lt=cutoff)).update(online=False)
    return racks + carts
