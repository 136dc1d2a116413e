"""The install gates: what must hold, right before ota.install goes out, for a device to update.

A cart installs only when it is online, docked, charging, at or above the battery floor, not
in a shopper's session and inside the install window (a forced update may skip the window,
never the floor). A rack needs only to be online and inside the window. Checked again before
every send: a job that waited an hour is judged on the cart as it is now. The first gate that
holds a job is its waiting reason, a code and a sentence for the person looking at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

from onprem.fleet.models import Cart, Rack
from smartcart.release import Refused, compare_versions

from .choices import ArtifactState, CampaignState, JobKind
from .choices import WaitingReason as Why
from .models import UpdateJob

Hold = tuple[str, str]  # (reason code, sentence)
FULL_SOC = 98.0  # %: the slot charger has stopped (CV phase over); the cart sits on its charger


@dataclass(frozen=True)
class DeviceNow:
    """What the gates read of a device, from its latest state."""

    device_id: str
    online: bool
    firmware: str
    docked: bool = False
    rack: str | None = None
    charging: bool = False
    soc: float | None = None
    in_session: bool = False


def devices_now(kind: str, device_ids: list[str] | None = None) -> dict[str, DeviceNow]:
    """Each device's gate inputs (all devices of `kind` when no ids are given), one query."""
    if kind == JobKind.RACK:
        racks = (
            Rack.objects.all()
            if device_ids is None
            else Rack.objects.filter(device_id__in=device_ids)
        )
        return {r.device_id: DeviceNow(r.device_id, r.online, r.firmware) for r in racks}
    carts = Cart.objects.select_related("state__dock_slot__rack")
    if device_ids is not None:
        carts = carts.filter(device_id__in=device_ids)
    return {cart.device_id: cart_now(cart) for cart in carts}


def cart_now(cart: Cart) -> DeviceNow:
    state = getattr(cart, "state", None)
    if state is None:  # never reported: nothing is known, so no gate can pass
        return DeviceNow(cart.device_id, cart.online, cart.firmware, in_session=cart.in_session)
    slot = state.dock_slot
    return DeviceNow(
        cart.device_id,
        online=cart.online,
        firmware=state.firmware or cart.firmware,
        docked=slot is not None,
        rack=slot.rack.device_id if slot else None,
        charging=state.charging,
        soc=state.soc,
        in_session=cart.in_session,
    )


def parse_window(window: dict | str | None) -> tuple[time, time] | None:
    """{"start","end"} (a campaign's) or "HH:MM-HH:MM" (SMARTCART_OTA_WINDOW); None: any time."""
    if not window:
        return None
    start, end = (window["start"], window["end"]) if isinstance(window, dict) else window.split("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def inside(window: tuple[time, time] | None, moment: datetime) -> bool:
    if window is None:
        return True
    start, end = window
    now = timezone.localtime(moment).time().replace(second=0, microsecond=0)
    if start <= end:
        return start <= now < end
    return now >= start or now < end  # a window over midnight, 22:00-05:00


def job_window(job: UpdateJob) -> tuple[time, time] | None:
    """The campaign's window when it has one, else the store's; a forced job with
    override_window has none."""
    if job.override_window:
        return None
    if job.campaign_id and job.campaign.window:
        return parse_window(job.campaign.window)
    return parse_window(settings.OTA_WINDOW)


def hold(job: UpdateJob, device: DeviceNow | None, *, now: datetime | None = None) -> Hold | None:
    """Why `job` may not be sent now, or None when every gate passes (the concurrency limit
    is the dispatcher's: it is about the other jobs, not this one)."""
    now = now or timezone.now()
    if job.campaign_id and job.campaign.state == CampaignState.PAUSED:
        return Why.CAMPAIGN_PAUSED, "the campaign is paused: no new installs until it resumes"
    if job.release.artifact_state != ArtifactState.CACHED:
        return Why.ARTIFACT_PENDING, "the store is still fetching and verifying the release's image"
    if device is None or not device.online:
        return Why.OFFLINE, f"the {job.kind} is offline"
    if job.kind == JobKind.CART:
        if found := cart_hold(device):
            return found
    window = job_window(job)
    if not inside(window, now):
        start, end = (t.strftime("%H:%M") for t in window)
        return Why.OUTSIDE_WINDOW, f"installs run between {start} and {end} (store time)"
    return None


def cart_hold(cart: DeviceNow) -> Hold | None:
    floor = settings.OTA_BATTERY_FLOOR
    if cart.in_session:
        return Why.IN_SESSION, "a shopper is using the cart"
    if not cart.docked:
        return Why.NOT_DOCKED, "the cart is not docked in a rack"
    if not cart.charging and not full(cart):
        return Why.NOT_CHARGING, "the cart is docked but not charging"
    if cart.soc is None or cart.soc < floor:
        soc = "unknown" if cart.soc is None else f"{cart.soc:.0f} %"
        return Why.BATTERY_LOW, f"the battery is at {soc}, below the {floor} % floor"
    return None


def full(cart: DeviceNow) -> bool:
    """A full battery on its charger draws no current, so the cart reports not charging; it
    is still on mains power, which is what the gate is for (a docked cart that charged up
    overnight is the first one a campaign should take)."""
    return cart.soc is not None and cart.soc >= FULL_SOC


def runs_at_least(firmware: str, version: str) -> bool:
    """Whether `firmware` is `version` or newer (an unreadable version is older than any)."""
    try:
        return compare_versions(firmware, version) >= 0
    except (Refused, ValueError):
        return False


def as_text(found: Hold) -> str:
    return f"{found[0]}: {found[1]}"
