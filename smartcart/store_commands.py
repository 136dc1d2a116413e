"""The store commands the cloud may send down the tunnel: their names and argument rules.

No Django here: the cloud imports it to refuse an unknown name or bad args with a 400 before
anything is queued, and the store imports it to check again before running (a cloud newer than
the store may know a command the store does not). docs/tunnel.md, "Commands", lists them.

A new store command is one entry in COMMANDS (name, what it does, its argument check) and one
function in the store's registry (onprem/uplink/commands.py, or ACTIONS in actions.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

DEVICE_KINDS = ("cart", "rack")
DEFAULT_TTL_S = 600
MAX_TTL_S = 7 * 24 * 3600
DEVICE_TTL_S = (1, 3600)
MAX_LOG_LINES = 1000
ArgCheck = Callable[[dict], dict]
WINDOW_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


class BadStoreCommand(ValueError):
    """An unknown command name or arguments a command does not take; the text says which."""


@dataclass(frozen=True)
class StoreCommandSpec:
    name: str
    summary: str
    check: ArgCheck  # the args as the command will use them, or BadStoreCommand


def no_args(args: dict) -> dict:
    if args:
        raise BadStoreCommand(f"takes no arguments, got {', '.join(sorted(args))}")
    return {}


def only(args: dict, allowed: set[str]) -> None:
    extra = sorted(set(args) - allowed)
    if extra:
        raise BadStoreCommand(
            f"does not take {', '.join(extra)} (it takes {', '.join(sorted(allowed)) or 'nothing'})"
        )


def flag(args: dict, key: str) -> bool:
    value = args.get(key, False)
    if not isinstance(value, bool):
        raise BadStoreCommand(f"{key} must be true or false, not {value!r}")
    return value


def text(args: dict, key: str, *, limit: int = 64) -> str:
    value = args.get(key)
    if not isinstance(value, str) or not 0 < len(value) <= limit:
        raise BadStoreCommand(f"{key} must be a text of 1-{limit} characters")
    return value


def whole(args: dict, key: str, *, default: int, bounds: tuple[int, int]) -> int:
    value = args.get(key, default)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise BadStoreCommand(f"{key} must be a whole number from {low} to {high}, not {value!r}")
    return value


def erp_sync_args(args: dict) -> dict:
    only(args, {"full", "stock_only"})
    return {"full": flag(args, "full"), "stock_only": flag(args, "stock_only")}


def device_command_args(args: dict) -> dict:
    only(args, {"kind", "device_id", "command", "args", "ttl_s"})
    kind = args.get("kind")
    if kind not in DEVICE_KINDS:
        raise BadStoreCommand(f"kind must be one of {', '.join(DEVICE_KINDS)}, not {kind!r}")
    device_args = args.get("args", {})
    if not isinstance(device_args, dict):
        raise BadStoreCommand("args must be an object (the device command's own arguments)")
    return {
        "kind": kind,
        "device_id": text(args, "device_id"),
        "command": text(args, "command"),
        "args": device_args,
        "ttl_s": whole(args, "ttl_s", default=DEFAULT_TTL_S, bounds=DEVICE_TTL_S),
    }


def ota_release_args(args: dict) -> dict:
    """A signed release the store may fetch (docs/ota.md): the store verifies the manifest
    itself; here only the shape."""
    only(args, {"release", "manifest", "artifact_path"})
    release = whole(args, "release", default=0, bounds=(1, 2**31 - 1))
    manifest = args.get("manifest")
    if not isinstance(manifest, dict):
        raise BadStoreCommand("manifest must be an object (the signed release manifest)")
    path = text(args, "artifact_path", limit=200)
    if not path.startswith("/"):
        raise BadStoreCommand("artifact_path must be a path on the cloud, starting with /")
    return {"release": release, "manifest": manifest, "artifact_path": path}


ONPREM_HARDWARE = "onprem-v1"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def onprem_update_args(args: dict) -> dict:
    """An on-prem software release for the store's updater (cloud/software, onprem/software):
    `url` is the artifact's path on the cloud; the store verifies the manifest itself."""
    only(args, {"rollout", "release"})
    release = args.get("release")
    if not isinstance(release, dict):
        raise BadStoreCommand("release must be an object (version, hardware, sha256, size, ...)")
    only(release, {"version", "hardware", "sha256", "size", "manifest", "url"})
    if release.get("hardware") != ONPREM_HARDWARE:
        raise BadStoreCommand(f"release.hardware must be {ONPREM_HARDWARE}")
    sha256 = release.get("sha256")
    if not isinstance(sha256, str) or not SHA256_HEX.fullmatch(sha256):
        raise BadStoreCommand("release.sha256 must be 64 lowercase hex digits")
    if not isinstance(release.get("manifest"), dict):
        raise BadStoreCommand("release.manifest must be an object (the signed release manifest)")
    url = text(release, "url", limit=200)
    if not url.startswith("/"):
        raise BadStoreCommand("release.url must be a path on the cloud, starting with /")
    return {
        "rollout": whole(args, "rollout", default=0, bounds=(1, 2**31 - 1)),
        "release": {
            "version": text(release, "version", limit=40),
            "hardware": ONPREM_HARDWARE,
            "sha256": sha256,
            "size": whole(release, "size", default=0, bounds=(1, 2**53)),
            "manifest": release["manifest"],
            "url": url,
        },
    }


CAMPAIGN_STATES = ("running", "waiting_approval", "paused", "aborted", "finished")


def ota_campaign_args(args: dict) -> dict:
    """A campaign's state for one store, whole each time (a newer revision replaces it)."""
    only(args, {"campaign", "revision", "release", "state", "phase", "target", "window", "observe_hours"})
    state = args.get("state")
    if state not in CAMPAIGN_STATES:
        raise BadStoreCommand(f"state must be one of {', '.join(CAMPAIGN_STATES)}, not {state!r}")
    release = args.get("release")
    if not isinstance(release, dict):
        raise BadStoreCommand("release must be an object (as ota.release takes it)")
    return {
        "campaign": whole(args, "campaign", default=0, bounds=(1, 2**31 - 1)),
        "revision": whole(args, "revision", default=0, bounds=(1, 2**31 - 1)),
        "release": ota_release_args(release),
        "state": state,
        "phase": whole(args, "phase", default=1, bounds=(1, 100)),
        "target": campaign_target(args.get("target")),
        "window": campaign_window(args.get("window")),
        "observe_hours": whole(args, "observe_hours", default=24, bounds=(0, 24 * 30)),
    }


def campaign_target(target: object) -> dict:
    """{"carts": n} (this many carts of the store, all phases so far) or {"percent": p}."""
    if not isinstance(target, dict) or len(target) != 1 or not set(target) <= {"carts", "percent"}:
        raise BadStoreCommand('target must be {"carts": n} or {"percent": p}')
    if "carts" in target:
        return {"carts": whole(target, "carts", default=0, bounds=(0, 100_000))}
    return {"percent": whole(target, "percent", default=0, bounds=(0, 100))}


def campaign_window(window: object) -> dict | None:
    """None (any time), or {"start": "HH:MM", "end": "HH:MM"} in the store's local time; a
    window whose end is before its start runs over midnight."""
    if window is None:
        return None
    if not isinstance(window, dict) or set(window) != {"start", "end"}:
        raise BadStoreCommand('window must be null or {"start": "HH:MM", "end": "HH:MM"}')
    for key in ("start", "end"):
        value = window[key]
        if not isinstance(value, str) or not WINDOW_TIME.fullmatch(value):
            raise BadStoreCommand(f"window {key} must be HH:MM (00:00-23:59), not {value!r}")
    return {"start": window["start"], "end": window["end"]}


def component_args(allowed: set[str]) -> ArgCheck:
    """Args of a remote action on one component: the store knows its components and checks
    the name; here only the shape."""

    def check(args: dict) -> dict:
        only(args, allowed)
        text(args, "component")
        if "lines" in allowed and "lines" in args:
            whole(args, "lines", default=0, bounds=(1, MAX_LOG_LINES))
        return args

    return check


COMMANDS: dict[str, StoreCommandSpec] = {
    spec.name: spec
    for spec in [
        StoreCommandSpec("ping", "the store's id, clock and software version", no_args),
        StoreCommandSpec("fleet.summary", "cart and rack counts of the store", no_args),
        StoreCommandSpec(
            "erp.sync", "pull the catalog (and stock) from the ERP now", erp_sync_args
        ),
        StoreCommandSpec(
            "device.command",
            "relay a command to one cart or rack and wait for its outcome",
            device_command_args,
        ),
        # Firmware updates (docs/ota.md): a release announced to the store, a campaign's state.
        StoreCommandSpec("ota.release", "a signed release the store may fetch", ota_release_args),
        StoreCommandSpec("ota.campaign", "an update campaign's state for this store", ota_campaign_args),
        # On-prem software (cloud/software): install this release of the store's own software.
        StoreCommandSpec("onprem.update", "install an on-prem software release", onprem_update_args),
        # The remote actions (onprem/uplink/actions.py, docs/tunnel.md "Remote actions").
        StoreCommandSpec("action.status", "each component's process and health", no_args),
        StoreCommandSpec(
            "action.logs",
            "the last lines of a component's log",
            component_args({"component", "lines"}),
        ),
        StoreCommandSpec("action.restart", "restart one component", component_args({"component"})),
        StoreCommandSpec("action.health", "health checks, fleet counts, dead letters", no_args),
        StoreCommandSpec("action.support_bundle", "build a support bundle to download", no_args),
    ]
}


# Sent by the cloud's own services (campaigns, release announcements, rollouts), never typed by
# ops: a hand-made ota.campaign or onprem.update would bypass the campaign's phases and
# thresholds, or the rollout's compatibility check and records.
INTERNAL = frozenset({"ota.release", "ota.campaign", "onprem.update"})


def by_hand() -> list[str]:
    """The store commands ops may send through the store-commands API."""
    return sorted(set(COMMANDS) - INTERNAL)


def known_names(names: list[str] | None = None) -> str:
    return ", ".join(sorted(COMMANDS if names is None else names))


def check_command(name: object, args: object, *, names: list[str] | None = None) -> dict:
    """The checked args of store command `name`, or BadStoreCommand with a sentence.

    `names` narrows the known commands (the store passes what it can actually run).
    """
    known = COMMANDS if names is None else {n: COMMANDS.get(n) for n in names}
    if not isinstance(name, str) or name not in known:
        raise BadStoreCommand(
            f"unknown store command {name!r}: the known commands are {known_names(list(known))}"
        )
    if not isinstance(args, dict):
        raise BadStoreCommand(f"{name}: args must be an object")
    spec = known[name]
    if spec is None:  # a store-only command (e.g. an action not listed here): it checks its args
        return args
    try:
        return spec.check(args)
    except BadStoreCommand as exc:
        raise BadStoreCommand(f"{name} {exc}") from None
