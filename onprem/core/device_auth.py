"""Racks and carts calling the on-prem API with their own MQTT credentials (HTTP Basic).

A device already holds a username and password for the broker; asking it to also run an OAuth
flow would add a second secret to provision and rotate. The password is checked against the
same Mosquitto hash the broker uses (onprem.fleet.credentials), so rotating a device's password
rotates its API access too. The principal holds only the `device` scope and knows which device
it is: views filter what it sees by that device (a rack sees its docked carts, a cart itself).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from onprem.fleet.credentials import check_password
from onprem.fleet.models import Cart, Rack

from .permissions import ScopedAccess

DEVICE_SCOPE = "device"


@dataclass(frozen=True)
class DevicePrincipal:
    """request.user and request.auth of a device signed in with its MQTT credentials."""

    kind: str  # "cart" or "rack"
    device_id: str

    is_authenticated = True
    is_active = True
    is_staff = False
    is_superuser = False
    scopes = (DEVICE_SCOPE,)

    @property
    def username(self) -> str:
        return f"{self.kind}:{self.device_id}"

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


class DeviceBasicAuthentication(authentication.BaseAuthentication):
    """`Authorization: Basic base64(mqtt_username:mqtt_password)` of a provisioned device."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"basic":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Basic credentials must be one base64 token.")
        try:
            username, _, password = (
                base64.b64decode(header[1], validate=True).decode().partition(":")
            )
        except (binascii.Error, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed(
                "Basic credentials are not base64 of user:password."
            ) from None
        principal = device_for(username, password)
        if principal is None:
            raise exceptions.AuthenticationFailed("Unknown device or wrong password.")
        return principal, principal

    def authenticate_header(self, request) -> str:
        return 'Basic realm="smartcart-devices"'


def device_for(username: str, password: str) -> DevicePrincipal | None:
    for model, kind in ((Rack, "rack"), (Cart, "cart")):
        row = (
            model.objects.filter(mqtt_username=username)
            .values_list("device_id", "mqtt_password_hash")
            .first()
        )
        if row:
            return DevicePrincipal(kind, row[0]) if check_password(password, row[1]) else None
    return None


def device_of(request) -> DevicePrincipal | None:
    return request.auth if isinstance(request.auth, DevicePrincipal) else None


class DeviceOrScopedAccess(ScopedAccess):
    """ScopedAccess, plus a device's own Basic credentials where the view's scopes name
    `device`. An OAuth token with the device scope is not a device: it has no identity to
    filter by, so views that serve devices refuse it (device_of() is None)."""

    def has_permission(self, request, view) -> bool:
        if device_of(request) is not None:
            self.message = "A device's credentials may not call this endpoint."
            return DEVICE_SCOPE in getattr(view, "required_scopes", ())
        return super().has_permission(request, view)


class DeviceBasicScheme(OpenApiAuthenticationExtension):
    target_class = "onprem.core.device_auth.DeviceBasicAuthentication"
    name = "deviceBasic"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "A rack's or cart's own MQTT username and password (device scope).",
        }
