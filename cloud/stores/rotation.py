"""Rotating a store's tunnel key (manage.py rotate_store_key, docs/operations.md, "A store key
rotated"): a new key, shown once; the old one keeps opening the tunnel for a grace period, so
the store can be given its new key without a gap in its heartbeats."""

from __future__ import annotations

import logging
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

from . import keys
from .errors import StoreError
from .models import Store

log = logging.getLogger(__name__)


def rotate_store_key(*, code: str, grace: timedelta, key: str | None = None) -> tuple[Store, str]:
    """Give the store a new key and return it with the plaintext key (only its hash is kept).

    The current key stays valid for `grace`; a zero grace refuses it at once and closes the
    tunnel it may hold, so a leaked key stops working now (the store reconnects with the new one).
    """
    if key is not None and len(key) < keys.MIN_KEY_LENGTH:
        raise StoreError(f"a store key must be at least {keys.MIN_KEY_LENGTH} characters")
    if grace < timedelta(0):
        raise StoreError("the grace period cannot be negative")
    key = key or keys.new_key()
    with transaction.atomic():
        store = Store.objects.select_for_update().filter(code=code).first()
        if store is None:
            raise StoreError(f"store {code} is not registered (manage.py register_store {code})")
        if keys.key_matches(key, store.key_hash):
            raise StoreError("the new key is the store's current key: choose another")
        store.previous_key_hash = store.key_hash if grace else ""
        store.previous_key_expires_at = timezone.now() + grace if grace else None
        store.key_hash, store.key_prefix = keys.key_hash(key), key[:8]
        store.save(update_fields=["key_hash", "key_prefix", "previous_key_hash", "previous_key_expires_at"])
    log.warning(
        "store key rotated store=%s new_prefix=%s old key valid until %s",
        code, store.key_prefix, store.previous_key_expires_at.isoformat() if grace else "now (refused)",
    )
    if not grace and store.tunnel_channel:
        async_to_sync(get_channel_layer().send)(store.tunnel_channel, {"type": "tunnel.replaced"})
    return store, key
