"""Verbs of the fleet domain: provisioning devices, summaries (broker access: broker_access.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from smartcart.protocol.topics import check_id

from . import credentials
from .choices import DeviceKind, Health
from .models import Cart, DeadLetter, IngestState, Rack, Slot, Store
from .signals import devices_went_silent, tell

log = logging.getLogger(__name__)
# Ingest writes its heartbeat row at least every 5 s (pipeline.IDLE_HEARTBEAT_SECONDS): three
# missed ones mean it is stuck or stopped. 15 s, not more: the cloud's incident for a stopped
# ingest must reach ops within its grace + 30 s, and this wait comes before the heartbeat's.
INGEST_STALE_SECONDS = 15


class FleetError(ValueError):
    """A fleet operation the caller asked for cannot be done; the text says why."""


@dataclass(frozen=True)
class Provisioned:
    kind: str
    device_id: str
    username: str
    password: str  # plaintext, shown once: only its hash is stored
    pairing_code: str = ""  # a cart's: printed on it, the shopper app pairs with it (racks: "")


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
    return Provisioned(kind, device_id, device.mqtt_username, password, code_of(device))


def code_of(device: Cart | Rack) -> str:
    return getattr(device, "pairing_code", "")


def rotate_device_password(*, device_id: str) -> Provisioned:
    for model in (Rack, Cart):
        device = model.objects.filter(device_id=device_id).first()
        if device:
            password = credentials.new_password()
            device.mqtt_password_hash = credentials.mosquitto_hash(password)
            device.save(update_fields=["mqtt_password_hash"])
            return Provisioned(model.kind, device_id, device.mqtt_username, password, code_of(device))
    raise FleetError(f"device {device_id} is not provisioned")


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
    """Is ingest alive (it writes a heartbeat row every few seconds), how far behind is it,
    and is it crash-looping (it writes a heartbeat at each start, so age alone would not tell)."""
    state = IngestState.objects.order_by("-last_flush_at").first()
    if state is None or state.last_flush_at is None:
        return {"ok": False, "detail": "ingest has never run", "lag_ms": None, "last_flush_age_s": None,
                "stored_total": 0, "dead_total": DeadLetter.objects.count(), "crashes": 0}
    age = (timezone.now() - state.last_flush_at).total_seconds()
    looping = crash_looping()
    ok = age < INGEST_STALE_SECONDS and looping is None
    if looping is not None:
        detail = (f"ingest {looping.name} is crash-looping: {looping.crashes} unclean ends in "
                  f"{CRASH_WINDOW.total_seconds() / 60:.0f} min, last: {looping.last_error or 'killed'}")
    else:
        detail = "running" if ok else f"no heartbeat from ingest for {age:.0f} s"
    return {
        "ok": ok,
        "detail": detail,
        "lag_ms": state.lag_ms,
        "last_flush_age_s": round(age, 1),
        "stored_total": state.stored_total,
        "dead_total": state.dead_total,
        "crashes": looping.crashes if looping else 0,
    }


CRASH_WINDOW = timedelta(minutes=10)
CRASH_LOOP_AFTER = 3


def crash_looping() -> IngestState | None:
    """The ingest process that ended uncleanly CRASH_LOOP_AFTER times within CRASH_WINDOW."""
    since = timezone.now() - CRASH_WINDOW
    return (IngestState.objects.filter(crashes__gte=CRASH_LOOP_AFTER, crash_window_start__gte=since)
            .order_by("-crashes").first())


def record_ingest_start(*, name: str) -> None:
    """Note an ingest start; a start without a clean stop before it counts as a crash."""
    now = timezone.now()
    state, _ = IngestState.objects.get_or_create(name=name)
    crashed = state.started_at is not None and (state.stopped_at is None or state.stopped_at < state.started_at)
    if crashed:
        if state.crash_window_start is None or state.crash_window_start < now - CRASH_WINDOW:
            state.crash_window_start, state.crashes = now, 0
        state.crashes += 1
        state.last_error = state.last_error or "ended without a clean stop (killed?)"
        log.warning("ingest %s restarted after an unclean end (%d in the window): %s",
                    name, state.crashes, state.last_error)
    state.started_at = now
    state.save(update_fields=["started_at", "crashes", "crash_window_start", "last_error"])


def record_ingest_end(*, name: str, error: str) -> None:
    """A clean stop (error="") clears the last error; a failure keeps it for /healthz."""
    fields = {"last_error": error[:2000]}
    if not error:
        fields.update(stopped_at=timezone.now(), crashes=0)
    IngestState.objects.filter(name=name).update(**fields)


def mark_silent_devices_offline(*, silent_for: timedelta) -> int:
    """A device whose broker session died without a Last Will reaching us still goes offline."""
    cutoff = timezone.now() - silent_for
    silent_racks = Rack.objects.filter(online=True, last_seen__lt=cutoff)
    silent_carts = Cart.objects.filter(online=True, last_seen__lt=cutoff).filter(
        Q(state__isnull=True) | Q(state__received_at__lt=cutoff))
    # Each device by itself, so that only the ones still silent at their update count (one may
    # have spoken in between) and the alerts hear exactly which went offline.
    racks = [d for d in silent_racks.values_list("device_id", flat=True)
             if silent_racks.filter(device_id=d).update(online=False)]
    carts = [d for d in silent_carts.values_list("device_id", flat=True)
             if silent_carts.filter(device_id=d).update(online=False)]
    if racks or carts:
        tell(devices_went_silent, racks=racks, carts=carts)
    return len(racks) + len(carts)
