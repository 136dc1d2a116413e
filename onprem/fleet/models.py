"""The store's fleet: racks with slots, carts, their telemetry history and latest state."""

from __future__ import annotations

from django.db import models

from .choices import DeviceKind, Health
from .pairing import new_pairing_code


class Store(models.Model):
    """The store this on-prem tier runs (one row; the id is the {store} of every topic)."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.code


class Device(models.Model):
    """What racks and carts share: an id on the wire, MQTT credentials, online state."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    device_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100, blank=True)
    online = models.BooleanField(default=False)
    last_seen = models.DateTimeField(null=True, blank=True)
    boot_id = models.CharField(max_length=64, blank=True)
    firmware = models.CharField(max_length=32, blank=True)
    mqtt_username = models.CharField(max_length=100, unique=True)
    # PBKDF2-SHA512 in Mosquitto's own password-file format, so it can be exported as is.
    mqtt_password_hash = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["device_id"]

    def __str__(self) -> str:
        return self.device_id


class Rack(Device):
    slot_count = models.PositiveSmallIntegerField(default=10)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.UNKNOWN)
    fault_codes = models.JSONField(default=list, blank=True)
    # The technician page the rack announces in its status; the cloud reaches it through the
    # store's tunnel (docs/tunnel.md, "Remote access"), never directly.
    page_url = models.CharField(max_length=200, blank=True)

    kind = DeviceKind.RACK


class Cart(Device):
    # A shopper is using the cart (set by the shopping flow): `lock` and `maintenance` then
    # need a staff user's `force`.
    in_session = models.BooleanField(default=False)
    # Printed on the cart (a QR in real life): the shopper app pairs with the cart by it.
    pairing_code = models.CharField(max_length=8, unique=True, default=new_pairing_code)

    kind = DeviceKind.CART


class CartState(models.Model):
    """A cart's latest reading, one row per cart, upserted by ingest in one statement per
    batch (kept apart from Cart so that upsert never touches credentials or names)."""

    cart = models.OneToOneField(Cart, primary_key=True, on_delete=models.CASCADE, related_name="state")
    soc = models.FloatField(help_text="battery state of charge, %")
    voltage = models.FloatField()
    temperature = models.FloatField()
    charging = models.BooleanField()
    health = models.CharField(max_length=10, choices=Health.choices)
    fault_codes = models.JSONField(default=list)
    dock_slot = models.ForeignKey("Slot", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    firmware = models.CharField(max_length=32)
    boot_id = models.CharField(max_length=64)
    reading_at = models.DateTimeField(help_text="when the cart took the reading")
    received_at = models.DateTimeField(help_text="when ingest received it")

    def __str__(self) -> str:
        return f"{self.cart_id} {self.soc:.0f}% {self.health}"


class Slot(models.Model):
    rack = models.ForeignKey(Rack, on_delete=models.CASCADE, related_name="slots")
    number = models.PositiveSmallIntegerField()
    cart = models.OneToOneField(Cart, null=True, blank=True, on_delete=models.SET_NULL, related_name="slot")
    charging_current = models.FloatField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["rack__device_id", "number"]
        constraints = [models.UniqueConstraint(fields=["rack", "number"], name="slot_unique_per_rack")]

    def __str__(self) -> str:
        return f"{self.rack.device_id}#{self.number}"


class CartReading(models.Model):
    """One cart telemetry message. (device, boot_id, seq) unique: redelivery adds nothing."""

    device_id = models.CharField(max_length=64)
    boot_id = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    ts = models.DateTimeField()
    received_at = models.DateTimeField()
    soc = models.FloatField()
    voltage = models.FloatField()
    temperature = models.FloatField()
    charging = models.BooleanField()
    health = models.CharField(max_length=10, choices=Health.choices)
    fault_codes = models.JSONField(default=list)
    dock_rack = models.CharField(max_length=64, blank=True)
    dock_slot = models.PositiveSmallIntegerField(null=True)
    firmware = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device_id", "boot_id", "seq"], name="cart_reading_once")]
        indexes = [models.Index(fields=["device_id", "ts"], name="cart_reading_by_time")]
        ordering = ["-ts"]


class RackReading(models.Model):
    """One rack telemetry message: what sat in each slot and how much current it drew."""

    device_id = models.CharField(max_length=64)
    boot_id = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    ts = models.DateTimeField()
    received_at = models.DateTimeField()
    slots = models.JSONField()
    health = models.CharField(max_length=10, choices=Health.choices)
    fault_codes = models.JSONField(default=list)
    firmware = models.CharField(max_length=32)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device_id", "boot_id", "seq"], name="rack_reading_once")]
        indexes = [models.Index(fields=["device_id", "ts"], name="rack_reading_by_time")]
        ordering = ["-ts"]


class DeviceEvent(models.Model):
    """Something a device reported once (fault raised, undocked, update installed)."""

    device_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=DeviceKind.choices)
    boot_id = models.CharField(max_length=64)
    seq = models.BigIntegerField()
    ts = models.DateTimeField()
    event = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["device_id", "boot_id", "seq"], name="device_event_once")]
        ordering = ["-ts"]


class DeadLetter(models.Model):
    """A message ingest could not accept, kept with the reason so nothing vanishes silently.

    Only a prefix of the payload is kept, with its full size and SHA-256: enough to tell what
    was sent and to match it against a device's log, while a flood of 20 MB messages costs the
    database a few KiB each (see dead_letters.py)."""

    topic = models.CharField(max_length=255)
    payload = models.BinaryField(help_text="the first bytes of the payload (all of it when small)")
    payload_size = models.PositiveIntegerField(default=0, help_text="size of the whole payload, bytes")
    payload_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    received_at = models.DateTimeField(db_index=True)

    @property
    def truncated(self) -> bool:
        return self.payload_size > len(self.payload)

    class Meta:
        ordering = ["-received_at"]


class IngestState(models.Model):
    """One row per ingest process name: heartbeat and throughput for /healthz and the uplink."""

    name = models.CharField(max_length=64, unique=True)
    last_flush_at = models.DateTimeField(null=True)
    lag_ms = models.FloatField(default=0, help_text="receive-to-commit delay of the last batch")
    stored_total = models.BigIntegerField(default=0)
    dead_total = models.BigIntegerField(default=0)
    # Starts and unclean ends, so /healthz can tell a crash loop from a process that is up:
    # a crashing ingest writes a fresh heartbeat at every start.
    started_at = models.DateTimeField(null=True)
    stopped_at = models.DateTimeField(null=True, help_text="set on a clean stop only")
    crashes = models.PositiveIntegerField(default=0, help_text="unclean ends since crash_window_start")
    crash_window_start = models.DateTimeField(null=True)
    last_error = models.TextField(blank=True)
