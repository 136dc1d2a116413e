"""The store commands of firmware updates, run by the uplink (onprem/uplink/commands.py
registry): ota.release records a release and has the worker fetch it; ota.campaign records a
campaign's newest revision. Args arrive checked by smartcart.store_commands."""

from __future__ import annotations

from onprem.uplink.commands import StoreCommandRefused, requested_by

from .campaigns import apply_campaign
from .releases import ReleaseError, record_release


def ota_release(args: dict) -> dict:
    try:
        release = record_release(**args)
    except ReleaseError as exc:
        raise StoreCommandRefused(str(exc)) from None
    return {
        "release": args["release"],
        "version": release.version,
        "artifact_state": release.artifact_state,
        "refused_reason": release.refused_reason,
    }


def ota_campaign(args: dict) -> dict:
    try:
        return apply_campaign(args, by=requested_by())
    except ReleaseError as exc:
        raise StoreCommandRefused(str(exc)) from None


COMMANDS = {"ota.release": ota_release, "ota.campaign": ota_campaign}
