"""Who may do what on the store's Mosquitto: its password file and ACL, written from the fleet.

Identity rides on the username: deploy/mosquitto/mosquitto.conf sets `use_username_as_clientid`,
so the broker replaces every client id with the username (docs/decisions.md, "Client ids are
usernames"). A device therefore cannot claim ingest's or another device's session, and each
ingest worker needs its own service user (`ingest-1`, `ingest-2`, …): two processes sharing a
username would keep taking each other's session over.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings

from smartcart.protocol.errors import ProtocolError
from smartcart.protocol.topics import check_id

from . import credentials
from .models import Cart, Rack
from .services import FleetError


def service_acl_block(username: str, store: str) -> str:
    """Ingest reads everything under smartcart/ (other stores, extra levels and unknown channels
    too, so it can dead-letter them) and may send commands to this store's devices."""
    return f"user {username}\ntopic read smartcart/#\ntopic write smartcart/{store}/+/+/cmd\n"


def check_service_users(service_users: dict[str, str], device_usernames: set[str]) -> None:
    for username, password in service_users.items():
        try:
            check_id(username, "service user")
        except ProtocolError as exc:
            raise FleetError(str(exc)) from None
        if username in device_usernames:
            raise FleetError(
                f"service user {username} is already a device's MQTT username; pick another name"
            )
        if not password:
            raise FleetError(f"service user {username} has an empty password")


def export_mosquitto(
    *, passwd_path: Path, acl_path: Path, service_users: dict[str, str] | None = None
) -> int:
    """Write Mosquitto's password file and ACL for every device, plus the service users
    (one per ingest worker: each reads all store topics and may send commands)."""
    store = settings.STORE_ID
    service_users = service_users or {}
    devices = [(d, "rack") for d in Rack.objects.all()] + [(d, "cart") for d in Cart.objects.all()]
    check_service_users(service_users, {d.mqtt_username for d, _ in devices})
    passwd = [f"{d.mqtt_username}:{d.mqtt_password_hash}" for d, _ in devices]
    acl = [credentials.acl_block(d.mqtt_username, store, kind, d.device_id) for d, kind in devices]
    for username, password in service_users.items():
        passwd.append(f"{username}:{credentials.mosquitto_hash(password)}")
        acl.append(service_acl_block(username, store))
    replace_file(passwd_path, "\n".join(passwd) + "\n")
    replace_file(acl_path, "\n".join(acl))
    return len(devices)


def replace_file(path: Path, text: str) -> None:
    # Mosquitto rereads both files on SIGHUP: it must never find one half written.
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text)
    os.replace(partial, path)
