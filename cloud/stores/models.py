"""The chain's store registry: who may open a tunnel, and what its last heartbeat said."""

from __future__ import annotations

from django.db import models


class Store(models.Model):
    code = models.CharField(max_length=64, unique=True, help_text="the store's SMARTCART_STORE_ID")
    name = models.CharField(max_length=100)
    # sha256 of a 256-bit random key: the key's entropy makes a slow hash pointless, and a fast
    # check keeps a reconnect storm after a cloud restart cheap.
    key_hash = models.CharField(max_length=64)
    key_prefix = models.CharField(
        max_length=8, help_text="first characters of the key, to tell keys apart"
    )
    # Key rotation (manage.py rotate_store_key): the key being replaced keeps working until
    # previous_key_expires_at, so the store can be given its new key without a gap.
    previous_key_hash = models.CharField(max_length=64, blank=True)
    previous_key_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    online = models.BooleanField(default=False)
    last_heartbeat_at = models.DateTimeField(null=True, blank=True)
    last_heartbeat = models.JSONField(default=dict, blank=True)
    # The Channels channel of the one live tunnel: a newer connection replaces it, and only
    # the live connection may record heartbeats or mark the store disconnected.
    tunnel_channel = models.CharField(max_length=200, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    disconnected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["online", "last_heartbeat_at"])]

    def __str__(self) -> str:
        return self.code


class StoreGroup(models.Model):
    """A named set of stores (a region, a pilot), so a campaign can say {"group": name}."""

    name = models.CharField(max_length=64, unique=True)
    stores = models.ManyToManyField(Store, related_name="groups", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HeartbeatSample(models.Model):
    """One point of a store's heartbeat history (the console's charts): at most one per minute.

    Kept small on purpose: the console draws status, component flags and fleet counts over
    time, never the whole heartbeat (Store.last_heartbeat holds the newest one).
    """

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="samples")
    at = models.DateTimeField(help_text="the minute this sample stands for (UTC, seconds zeroed)")
    online = models.BooleanField(default=True)
    status = models.CharField(max_length=16, blank=True)
    components = models.JSONField(default=dict, blank=True, help_text="{name: ok}")
    carts_total = models.PositiveIntegerField(default=0)
    carts_online = models.PositiveIntegerField(default=0)
    carts_offline = models.PositiveIntegerField(default=0)
    carts_fault = models.PositiveIntegerField(default=0)
    carts_low_battery = models.PositiveIntegerField(default=0)
    racks_online = models.PositiveIntegerField(default=0)
    ingest_lag_ms = models.FloatField(null=True, blank=True)
    version = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["store", "at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "at"], name="one_sample_per_store_minute")
        ]

    def __str__(self) -> str:
        return f"{self.store_id}@{self.at:%Y-%m-%d %H:%M}"
