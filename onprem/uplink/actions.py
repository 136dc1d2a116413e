"""Remote actions ops may run in the store's installation, from a fixed allowlist
(docs/tunnel.md, "Remote actions"): never a shell.

Each action checks its args itself (unknown keys, types, ranges) and names components only
from the configured table (settings.COMPONENTS), so nothing the cloud sends becomes part of
a command line: a restart runs the table's own argv, or signals the table's own process.
"""

from __future__ import annotations

from .commands import StoreCommandFn, StoreCommandRefused
from .components import Component
from .installation import components, health, status
from .logtail import tail
from .processes import restart
from .support_bundle import build_bundle

MAX_LINES = 1000
DEFAULT_LINES = 200
LOG_READ_BYTES = 160 * 1024  # read from the end of the file, whatever its size
LOG_RESULT_BYTES = 150 * 1024  # the lines as JSON: one tunnel frame holds 256 KiB


def expect(args: dict, allowed: set[str], action: str) -> None:
    if not isinstance(args, dict):
        raise StoreCommandRefused(f"{action} takes an object of args, not {type(args).__name__}")
    unknown = sorted(set(args) - allowed)
    if unknown:
        takes = ", ".join(sorted(allowed)) or "no args"
        raise StoreCommandRefused(
            f"{action} does not take {', '.join(map(repr, unknown))}; it takes {takes}"
        )


def named_component(args: dict, action: str) -> Component:
    name = args.get("component")
    table = components()
    if not isinstance(name, str) or name not in table:
        known = f"this store's components: {', '.join(table)}"
        # The list also travels as data, so a console can offer the names.
        if name is None:
            raise StoreCommandRefused(
                f"{action} needs a component, one of {known}", components=list(table)
            )
        raise StoreCommandRefused(
            f"{action}: component {str(name)[:60]!r} is not one of {known}", components=list(table)
        )
    return table[name]


def run_status(args: dict) -> dict:
    """Each component's process and the store's /healthz checks."""
    expect(args, set(), "action.status")
    return status()


def run_logs(args: dict) -> dict:
    """The last `lines` lines (1..1000, default 200) of one component's log."""
    expect(args, {"component", "lines"}, "action.logs")
    component = named_component(args, "action.logs")
    lines = args.get("lines", DEFAULT_LINES)
    if isinstance(lines, bool) or not isinstance(lines, int) or not 1 <= lines <= MAX_LINES:
        raise StoreCommandRefused(
            f"action.logs: lines must be a whole number from 1 to {MAX_LINES}, not {lines!r}"
        )
    result = {"component": component.name, "file": str(component.log), "asked": lines}
    try:
        found = tail(
            component.log, lines=lines, max_bytes=LOG_READ_BYTES, max_json_bytes=LOG_RESULT_BYTES
        )
    except FileNotFoundError:
        return {**result, "ok": False, "lines": [], "detail": f"no log file at {component.log}"}
    except OSError as exc:
        return {
            **result,
            "ok": False,
            "lines": [],
            "detail": f"the log cannot be read: {exc.strerror}",
        }
    return {
        **result,
        "ok": True,
        "lines": found.lines,
        "returned": len(found.lines),
        "file_size": found.file_size,
        "clipped": found.clipped,
    }


def run_restart(args: dict) -> dict:
    """Restart one component as the table says (a signal to the supervised process, or its argv)."""
    expect(args, {"component"}, "action.restart")
    component = named_component(args, "action.restart")
    if component.restart is None:
        why = (
            "the uplink carries this command and its answer; restart it on the store box"
            if component.name == "uplink"
            else "its table entry has no restart"
        )
        raise StoreCommandRefused(
            f"action.restart: {component.name} cannot be restarted remotely: {why}"
        )
    return restart(component)


def run_health(args: dict) -> dict:
    """The store's health checks, fleet counts, ingest workers and dead letters."""
    expect(args, set(), "action.health")
    return health()


def run_support_bundle(args: dict) -> dict:
    """Build a tar.gz of logs, status, health, redacted settings and versions; where to get it."""
    expect(args, set(), "action.support_bundle")
    return build_bundle().as_result()


ACTIONS: dict[str, StoreCommandFn] = {
    "action.status": run_status,
    "action.logs": run_logs,
    "action.restart": run_restart,
    "action.health": run_health,
    "action.support_bundle": run_support_bundle,
}
