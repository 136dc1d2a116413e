"""A campaign's phases and windows: their shape, and how many devices a phase means in a store.

Phases are cumulative (docs/ota.md): `[{"carts": 1}, {"percent": 10}, {"percent": 100}]` is one
canary per store, then 10 % of the store's devices of that hardware in all, then all of them.
A store never un-picks a device, so a phase means at least what the phases before it meant.
"""

from __future__ import annotations

import math

from smartcart import store_commands

from .errors import CampaignError

DEFAULT_PHASES = [{"carts": 1}, {"percent": 10}, {"percent": 100}]
MAX_PHASES = 20
MAX_CARTS = 100_000


def clean_phases(phases: object) -> list[dict]:
    """The phases as a campaign keeps them, or CampaignError saying which one is wrong."""
    if phases is None:
        return [dict(p) for p in DEFAULT_PHASES]
    if not isinstance(phases, list) or not 1 <= len(phases) <= MAX_PHASES:
        raise CampaignError(f"phases must be a list of 1 to {MAX_PHASES} phases")
    cleaned = []
    for n, phase in enumerate(phases, start=1):
        try:
            cleaned.append(store_commands.campaign_target(phase))
        except store_commands.BadStoreCommand:
            raise CampaignError(
                f'phase {n} must be {{"carts": n}} (1 to {MAX_CARTS}) or {{"percent": p}} (1 to 100)'
            ) from None
        if next(iter(cleaned[-1].values())) < 1:
            raise CampaignError(f"phase {n} must take at least 1 cart or 1 percent")
    refuse_shrinking(cleaned)
    return cleaned


def refuse_shrinking(phases: list[dict]) -> None:
    """Counts and percents never go down: a later phase of the same unit takes at least as many."""
    last = {"carts": 0, "percent": 0}
    for n, phase in enumerate(phases, start=1):
        [(unit, value)] = phase.items()
        if value < last[unit]:
            raise CampaignError(
                f"phase {n} takes fewer {unit} ({value}) than an earlier phase ({last[unit]}): "
                "phases are cumulative"
            )
        last[unit] = value


def devices_needed(phases: list[dict], phase: int, total: int) -> int:
    """How many devices of a store with `total` of them phases 1..`phase` take in all:
    carts n -> n, percent p -> ceil(p % of total), never fewer than an earlier phase, never
    more than the store has."""
    needed = 0
    for target in phases[:phase]:
        if "carts" in target:
            needed = max(needed, target["carts"])
        else:
            needed = max(needed, math.ceil(target["percent"] * total / 100))
    return min(needed, total)


def clean_window(window: object, what: str = "window") -> dict | None:
    try:
        return store_commands.campaign_window(window)
    except store_commands.BadStoreCommand as exc:
        raise CampaignError(str(exc).replace("window", what, 1)) from None
