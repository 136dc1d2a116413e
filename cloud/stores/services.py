"""Verbs of the store registry: registering stores, their tunnel connections and heartbeats.

Every state change is a conditional UPDATE: two cloud pods (or a pod and the monitor) never
undo each other's work, and a replaced tunnel connection can no longer touch its store.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cloud.core import metrics
from smartcart.protocol.errors import ProtocolError
from smartcart.protocol.topics import check_id

from . import history, keys
from .errors import StoreError
from .heartbeats import clean_heartbeat
from .models import Store

log = logging.getLogger(__name__)


def register_store(*, code: str, name: str, key: str | None = None) -> tuple[Store, str]:
    """Add a store and return it with its plaintext key (shown once: only the hash is kept).

    `key` lets a deployment (or the demo) choose the key; by default a random one is made.
    """
    try:
        check_id(code, "store code")
    except ProtocolError as exc:
        raise StoreError(str(exc)) from None
    if key is not None and len(key) < keys.MIN_KEY_LENGTH:
        raise StoreError(f"a store key must be at least {keys.MIN_KEY_LENGTH} characters")
    key = key or keys.new_key()
    with transaction.atomic():
        if Store.objects.filter(code=code).exists():
            raise StoreError(f"store {code} is already registered")
        store = Store.objects.create(
            code=code, name=name or code, key_hash=keys.key_hash(key), key_prefix=key[:8]
        )
    log.info("store registered code=%s", code)
    return store, key


def set_store_key(*, code: str, key: str) -> Store:
    """Give an existing store a chosen key (the demo re-runs with the same one)."""
    if len(key) < keys.MIN_KEY_LENGTH:
        raise StoreError(f"a store key must be at least {keys.MIN_KEY_LENGTH} characters")
    with transaction.atomic():
        updated = Store.objects.filter(code=code).update(
            key_hash=keys.key_hash(key), key_prefix=key[:8]
        )
    if not updated:
        raise StoreError(f"store {code} is not registered")
    return Store.objects.get(code=code)


def authenticate_store(*, code: str, key: str) -> Store | None:
    """The store whose code and key these are, or None (the caller logs and refuses).

    After a rotation (manage.py rotate_store_key) the previous key works until it expires."""
    store = Store.objects.filter(code=code).first()
    if store is None or not key:
        return None
    if keys.key_matches(key, store.key_hash):
        return store
    if keys.previous_key_valid(key, store.previous_key_hash, store.previous_key_expires_at):
        log.info("tunnel opened with the previous key store=%s: give the store its new key", code)
        return store
    return None


def mark_connected(*, store: Store, channel_name: str) -> str:
    """Make `channel_name` the store's live tunnel; return the channel it replaces ('' if none)."""
    with transaction.atomic():
        current = Store.objects.select_for_update().get(pk=store.pk)
        previous = current.tunnel_channel
        current.tunnel_channel, current.connected_at = channel_name, timezone.now()
        current.save(update_fields=["tunnel_channel", "connected_at"])
    log.info("tunnel connected store=%s replaces=%s", store.code, previous or "-")
    return previous


def mark_disconnected(*, store: Store, channel_name: str) -> bool:
    """A clean close takes the store offline at once, unless a newer tunnel already replaced it."""
    with transaction.atomic():
        updated = Store.objects.filter(pk=store.pk, tunnel_channel=channel_name).update(
            tunnel_channel="", online=False, disconnected_at=timezone.now()
        )
    if updated:
        log.info("tunnel closed store=%s: store offline", store.code)
    return bool(updated)


def record_heartbeat(*, store: Store, channel_name: str, body: dict) -> bool:
    """Keep the heartbeat and mark the store online; False when this tunnel is no longer live.

    A body that is not a heartbeat (docs/tunnel.md) raises StoreError and nothing is stored.
    """
    body = clean_heartbeat(body)
    if body.get("store", store.code) != store.code:
        raise StoreError(
            f"bad heartbeat: body.store is {body['store']!r}, this tunnel is {store.code}"
        )
    now = timezone.now()
    fields = {"online": True, "last_heartbeat_at": now, "last_heartbeat": body}
    live = Store.objects.filter(pk=store.pk, tunnel_channel=channel_name)
    with transaction.atomic():
        came_online = live.filter(online=False).update(**fields)
        if not came_online and not live.update(**fields):
            return False
    if came_online:
        log.info("store online store=%s status=%s", store.code, body.get("status", "?"))
    history.record_sample(store, body, now)  # never raises: history must not cost a heartbeat
    metrics.HEARTBEATS.inc()
    return True


def mark_stale_stores_offline(*, now: datetime | None = None) -> list[str]:
    """Take offline every online store silent for STORE_OFFLINE_AFTER_SECONDS; return their codes.

    Each store is claimed by its own conditional UPDATE, so when the beat task and the monitor
    command (or two monitors) sweep at once, each store is marked — and logged — exactly once.
    """
    cutoff = (now or timezone.now()) - timedelta(seconds=settings.STORE_OFFLINE_AFTER_SECONDS)
    stale = Store.objects.filter(online=True, last_heartbeat_at__lt=cutoff)
    marked = []
    for pk, code in stale.values_list("pk", "code"):
        with transaction.atomic():
            if stale.filter(pk=pk).update(online=False):
                marked.append(code)
                log.warning(
                    "store offline store=%s: no heartbeat for %s s",
                    code,
                    settings.STORE_OFFLINE_AFTER_SECONDS,
                )
    return marked


def heartbeat_summary(body: object) -> dict:
    """What the ops list shows of a heartbeat: overall status, component flags, fleet counts.

    A row stored before heartbeats were checked may have any shape: it is summarised as an
    error, never allowed to break the list of every store.
    """
    if not body:
        return {}
    try:
        body = clean_heartbeat(body)
    except StoreError as exc:
        return {"error": f"the stored heartbeat cannot be read: {exc}"}
    components, fleet = body["components"], body["fleet"]
    return {
        "status": body["status"],
        "components": {name: c["ok"] for name, c in components.items()},
        "ingest_lag_ms": components.get("ingest", {}).get("lag_ms"),
        "carts": fleet.get("carts", {}),
        "racks": fleet.get("racks", {}),
        "sent_at": body.get("sent_at"),
    }


def readable_heartbeat(body: object) -> dict:
    """The stored heartbeat if it has the heartbeat's shape, else {} (the summary says why)."""
    try:
        return clean_heartbeat(body) if body else {}
    except StoreError:
        return {}
