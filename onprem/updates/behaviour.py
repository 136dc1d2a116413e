"""How a campaign's updated devices behave afterwards, against the store's devices still on
the old version (the control group): the cloud compares the two and pauses a campaign that
made things worse (docs/ota.md, "Judged on behaviour").

Updated devices are counted from their own finish time for `observe_hours`; the control group
over the same span, from the first finish. Use is hours in shopper sessions (clipped to the
span), faults are `fault_raised` events, help requests are requests made from the cart.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from onprem.fleet.models import DeviceEvent
from onprem.shopping.models import HelpRequest, ShoppingSession

from . import gates
from .choices import HARDWARE_KIND, JobState
from .models import Campaign

Span = tuple[datetime, datetime]


def campaign_behaviour(campaign: Campaign, *, now: datetime | None = None) -> dict:
    """{"campaign", "carts_total", "behaviour": {"updated": {...}, "control": {...}}}."""
    now = now or timezone.now()
    kind = HARDWARE_KIND.get(campaign.release.hardware, "cart")
    devices = gates.devices_now(kind)
    observe = timedelta(hours=campaign.observe_hours)
    finished = dict(
        campaign.jobs.filter(state=JobState.SUCCEEDED, finished_at__isnull=False).values_list(
            "device_id", "finished_at"
        )
    )
    updated = {device: (at, min(at + observe, now)) for device, at in finished.items()}
    control: dict[str, Span] = {}
    if finished:
        start = min(finished.values())
        span = (start, min(start + observe, now))
        version = campaign.release.version
        control = {
            d.device_id: span
            for d in devices.values()
            if d.device_id not in updated and not gates.runs_at_least(d.firmware, version)
        }
    return {
        "campaign": campaign.cloud_campaign,
        "carts_total": len(devices),
        "behaviour": {"updated": figures(updated), "control": figures(control)},
    }


def figures(spans: dict[str, Span]) -> dict:
    """Carts, use hours, faults, sessions and help requests of these devices, each within its span."""
    if not spans:
        return {"carts": 0, "use_hours": 0.0, "faults": 0, "sessions": 0, "help_requests": 0}
    first = min(a for a, _ in spans.values())
    last = max(b for _, b in spans.values())
    use, sessions = session_use(spans, first, last)
    faults = DeviceEvent.objects.filter(
        event="fault_raised", device_id__in=list(spans), ts__gte=first, ts__lt=last
    ).values_list("device_id", "ts")
    helps = HelpRequest.objects.filter(
        cart__device_id__in=list(spans), created_at__gte=first, created_at__lt=last
    ).values_list("cart__device_id", "created_at")
    return {
        "carts": len(spans),
        "use_hours": round(use, 3),
        "faults": sum(within(spans[d], at) for d, at in faults),
        "sessions": sessions,
        "help_requests": sum(within(spans[d], at) for d, at in helps),
    }


def session_use(spans: dict[str, Span], first: datetime, last: datetime) -> tuple[float, int]:
    """Hours of shopper sessions inside each device's span, and how many sessions began in it."""
    rows = (
        ShoppingSession.objects.filter(cart__device_id__in=list(spans), started_at__lt=last)
        .exclude(ended_at__lt=first)
        .values_list("cart__device_id", "started_at", "ended_at")
    )
    hours, started = 0.0, 0
    for device, began, ended in rows:
        low, high = spans[device]
        overlap = (min(ended or high, high) - max(began, low)).total_seconds()
        hours += max(0.0, overlap) / 3600
        started += within((low, high), began)
    return hours, started


def within(span: Span, moment: datetime) -> bool:
    return span[0] <= moment < span[1]
