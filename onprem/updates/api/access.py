"""Who is asking, and what of the updates they may see: staff and ops see everything; a rack
(its own Basic credentials) sees itself and the carts docked in it now; a cart sees itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from rest_framework.exceptions import PermissionDenied

from onprem.commands.api.views import holds_scope
from onprem.core.device_auth import DevicePrincipal, device_of
from onprem.fleet.models import CartState

from ..models import UpdateJob

HUMAN_SCOPES = ("staff", "ops")
NOT_A_DEVICE = (
    "This endpoint serves staff, or a device with its own credentials (HTTP Basic with its MQTT "
    "username and password); a token with the device scope names no device."
)


@dataclass(frozen=True)
class Caller:
    requested_by: str
    device: DevicePrincipal | None = None

    @property
    def rack(self) -> str | None:
        return self.device.device_id if self.device and self.device.kind == "rack" else None


def caller(request) -> Caller:
    device = device_of(request)
    if device is not None:
        return Caller(device.username, device)
    if any(holds_scope(request, scope) for scope in HUMAN_SCOPES):
        return Caller(f"staff:{request.user.get_username()}")
    raise PermissionDenied(NOT_A_DEVICE)


def docked_in(rack: str) -> list[str]:
    return list(
        CartState.objects.filter(dock_slot__rack__device_id=rack).values_list(
            "cart__device_id", flat=True
        )
    )


def visible_devices(who: Caller) -> list[tuple[str, str]] | None:
    """(kind, device) pairs the caller may see; None: all of them."""
    if who.device is None:
        return None
    own = [(who.device.kind, who.device.device_id)]
    if who.rack:
        own += [("cart", cart) for cart in docked_in(who.rack)]
    return own


def visible_jobs(who: Caller) -> QuerySet[UpdateJob]:
    jobs = UpdateJob.objects.select_related("release", "campaign")
    devices = visible_devices(who)
    if devices is None:
        return jobs
    carts = [d for k, d in devices if k == "cart"]
    racks = [d for k, d in devices if k == "rack"]
    return jobs.filter(kind="cart", device_id__in=carts) | jobs.filter(
        kind="rack", device_id__in=racks
    )
