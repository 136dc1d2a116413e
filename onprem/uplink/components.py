"""The store's components: a fixed table of the processes remote actions may look at and restart.

The table comes from the TOML file named by SMARTCART_COMPONENTS (deploy/onprem/components.toml
is the systemd example), or, unset, the demo's children (`smartcart demo` writes each child's
pid to <run dir>/<name>.pid and its output to <log dir>/<name>.log). It is read once, when the
settings load: a table that cannot be used stops the tier at start with a sentence.

No Django here: settings.py loads the table, so this module imports nothing of the project.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from smartcart.envconf import ConfigError

NAME = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
# The uplink carries the command and its answer: restarting it from a command would lose the
# answer (and the cloud would send the command again), so no table may make it restartable.
SELF = "uplink"
DEMO_COMPONENTS = ("onprem", "ingest", "uplink", "broker", "simulator")
KEYS = {"description", "log", "pidfile", "pid_command", "restart"}
SIGNAL = "signal"


@dataclass(frozen=True)
class Component:
    """One process of the store's installation, as remote actions see it.

    pid: read from `pidfile`, or printed by `pid_command` (e.g. `systemctl show -p MainPID`).
    restart: None (not restartable), "signal" (SIGTERM the pid; a supervisor starts it again)
    or an argv run without a shell (e.g. `systemctl restart smartcart-ingest`).
    """

    name: str
    log: Path
    description: str = ""
    pidfile: Path | None = None
    pid_command: tuple[str, ...] | None = None
    restart: str | tuple[str, ...] | None = None

    @property
    def restart_kind(self) -> str | None:
        if self.restart is None:
            return None
        return SIGNAL if self.restart == SIGNAL else "command"


def load_components(source: str, *, log_dir: Path, run_dir: Path) -> dict[str, Component]:
    """The component table: from the TOML file `source`, or the demo's when `source` is empty."""
    if not source:
        return demo_components(log_dir=log_dir, run_dir=run_dir)
    where = f"SMARTCART_COMPONENTS={source!r}"
    try:
        table = tomllib.loads(Path(source).read_text())
    except OSError as exc:
        raise ConfigError(f"{where} cannot be read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where} is not valid TOML: {exc}") from exc
    if not table:
        raise ConfigError(f"{where} names no component: add a [name] table per process")
    return {
        name: component(name, entry, log_dir=log_dir, where=where) for name, entry in table.items()
    }


def demo_components(*, log_dir: Path, run_dir: Path) -> dict[str, Component]:
    return {
        name: Component(
            name=name,
            log=log_dir / f"{name}.log",
            pidfile=run_dir / f"{name}.pid",
            restart=None if name == SELF else SIGNAL,
            description=f"demo child {name!r} (smartcart demo restarts it when it exits)",
        )
        for name in DEMO_COMPONENTS
    }


def component(name: str, entry: object, *, log_dir: Path, where: str) -> Component:
    if not NAME.fullmatch(name):
        raise ConfigError(
            f"{where}: component name {name!r} must be 1-40 of a-z 0-9 - (starting with a letter)"
        )
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: [{name}] must be a table, not {type(entry).__name__}")
    unknown = sorted(set(entry) - KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: [{name}] has unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(KEYS))}"
        )
    if "pidfile" in entry and "pid_command" in entry:
        raise ConfigError(f"{where}: [{name}] sets both pidfile and pid_command; keep one")
    restart = entry.get("restart")
    if restart is not None and name == SELF:
        raise ConfigError(
            f"{where}: [{SELF}] cannot have restart: the uplink carries the command and "
            "its answer; restart it on the store box"
        )
    if restart == SIGNAL and not ({"pidfile", "pid_command"} & set(entry)):
        raise ConfigError(
            f'{where}: [{name}] restart = "signal" needs a pidfile or pid_command to find the process'
        )
    return Component(
        name=name,
        log=Path(text(entry.get("log", str(log_dir / f"{name}.log")), f"{where}: [{name}] log")),
        description=text(entry.get("description", ""), f"{where}: [{name}] description"),
        pidfile=Path(text(entry["pidfile"], f"{where}: [{name}] pidfile"))
        if "pidfile" in entry
        else None,
        pid_command=argv(entry["pid_command"], f"{where}: [{name}] pid_command")
        if "pid_command" in entry
        else None,
        restart=restart
        if restart in (None, SIGNAL)
        else argv(restart, f"{where}: [{name}] restart"),
    )


def text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{what} must be a string, not {type(value).__name__}")
    return value


def argv(value: object, what: str) -> tuple[str, ...]:
    """A command as a list of strings: run as is, never through a shell."""
    if not (isinstance(value, list) and value and all(isinstance(part, str) for part in value)):
        raise ConfigError(
            f"{what} must be a non-empty list of strings (an argv, never a shell line)"
        )
    if not Path(value[0]).is_absolute():
        # No PATH lookup: what runs is exactly the program the table names.
        raise ConfigError(
            f"{what} must start with an absolute path (e.g. /usr/bin/systemctl), not {value[0]!r}"
        )
    return tuple(value)
