"""The verbs behind the API: force an update of a cart (or of every cart in a rack), and what
the store knows of a device's firmware. Who may ask is checked by the caller (api/access.py);
the rules of what may be asked are here."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from onprem.fleet.models import Cart

from . import gates
from .choices import ACTIVE_STATES, ArtifactState, JobKind
from .jobs import JobConflict, create_job
from .models import Release, UpdateJob

log = logging.getLogger(__name__)
CART_HARDWARE = "cart-v1"


class UpdateError(ValueError):
    """The update cannot be asked for; `status` is the API's answer."""

    status = 400


class NotFound(UpdateError):
    status = 404


class Conflict(UpdateError):
    status = 409


class NotYours(UpdateError):
    """A rack asked for a cart that is not docked in it now."""

    status = 403


@dataclass
class RackUpdate:
    jobs: list[UpdateJob] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)


def request_update(
    *, cart_id: str, version: str, override_window: bool, requested_by: str, rack: str | None = None
) -> UpdateJob:
    """A waiting job taking cart `cart_id` to `version` (of cart-v1). `rack`: the rack asking
    with its own credentials, which may update only a cart docked in it now. The job goes
    through the same gates as a campaign's; `override_window` skips only the window."""
    if not Cart.objects.filter(device_id=cart_id).exists():
        raise NotFound(f"this store has no cart {cart_id!r}")
    cart = gates.devices_now(JobKind.CART, [cart_id])[cart_id]
    if rack is not None and cart.rack != rack:
        raise NotYours(
            f"cart {cart_id} is not docked in rack {rack} now: a rack may update only its own carts"
        )
    release = known_release(version)
    if gates.runs_at_least(cart.firmware, release.version):
        raise Conflict(f"cart {cart_id} already runs {cart.firmware}, not older than {version}")
    try:
        return create_job(
            kind=JobKind.CART,
            device_id=cart_id,
            release=release,
            requested_by=requested_by,
            override_window=override_window,
            from_version=cart.firmware,
            why=f"update to {version} requested{' (window overridden)' if override_window else ''}",
        )
    except JobConflict as exc:
        raise Conflict(str(exc)) from None


def request_rack_update(
    *, rack_id: str, version: str, override_window: bool, requested_by: str
) -> RackUpdate:
    """request_update for every cart docked in `rack_id` now; a cart that cannot be updated
    (already on it, an open job) is skipped with its reason, the others go on."""
    known_release(version)
    docked = sorted(
        d.device_id for d in gates.devices_now(JobKind.CART).values() if d.rack == rack_id
    )
    result = RackUpdate()
    for cart_id in docked:
        try:
            result.jobs.append(
                request_update(
                    cart_id=cart_id,
                    version=version,
                    override_window=override_window,
                    requested_by=requested_by,
                    rack=rack_id,
                )
            )
        except UpdateError as exc:
            result.skipped.append({"cart": cart_id, "reason": str(exc)})
    return result


def installing(cart_id: str) -> bool:
    """Whether the cart is between ota.install and the end of its install: the shopping app
    refuses to pair it (a shopper would leave with a cart about to reboot)."""
    return UpdateJob.objects.filter(
        kind=JobKind.CART, device_id=cart_id, state__in=ACTIVE_STATES
    ).exists()


def known_release(version: str) -> Release:
    release = Release.objects.filter(hardware=CART_HARDWARE, version=version).first()
    if release is None:
        raise NotFound(f"this store knows no {CART_HARDWARE} release {version!r}")
    if release.artifact_state == ArtifactState.REFUSED:
        raise Conflict(f"the store refused release {version}: {release.refused_reason}")
    return release
