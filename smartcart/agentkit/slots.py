"""Firmware slots (A/B): the hardware side of an over-the-air update (docs/ota.md).

`FirmwareSlots` is the interface a device driver implements: write the inactive slot, switch
to it for the next boot, boot, run the running slot's health check, commit or roll back. The
OTA installer (ota.py) drives it and never touches the slots' storage itself, so a real
bootloader (U-Boot bootcount, an A/B partition table) plugs in behind the same methods.

`SimulatedSlots` keeps two directories `a/` and `b/` and a state file under the agent's
ota_dir. Each write that matters is atomic (temp + fsync + rename), so a process killed at any
instant restarts on a slot that is either the old or the new one, complete:

- the inactive slot is built in `<slot>.new/` and renamed into place only once complete;
- the switch is one rename of the state file (`trying` set: the next boot runs that slot);
- a boot into a `trying` slot counts itself; a slot that was booted MAX_TRIES times without a
  verdict (the agent died each time during its health check) is given up, as a bootloader's
  boot counter would;
- commit and roll back are again one rename of the state file; a rollback takes effect at the
  reboot that follows it, as on a device that must restart to leave the firmware it runs.

A slot holds only what the simulation runs: `VERSION`, `healthcheck` and the manifest it came
from. The image itself is not kept (a 20 MB image on 200 simulated carts would be 4 GB).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import tarfile
import threading
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

HEALTHCHECK_SECONDS = 30.0
MAX_TRIES = 3  # boots of a switched-to slot without a verdict before it is given up
MAX_VERSION_BYTES = 64
MAX_HEALTHCHECK_BYTES = 1024 * 1024


class InstallError(Exception):
    """The image cannot be written to the inactive slot (not an image of this format, wrong
    VERSION inside, disk error); the running slot is untouched."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the new slot's health check said: ok, or the reason code and a sentence."""

    ok: bool
    reason: str = ""  # healthcheck_failed | healthcheck_timeout
    detail: str = ""


class FirmwareSlots(ABC):
    """A/B firmware slots of one device. Methods are called from the OTA thread and, for the
    version, from the agent loop: implementations are thread-safe."""

    hardware: str  # the hardware generation releases must be built for, e.g. "cart-v1"

    @abstractmethod
    def running_version(self) -> str:
        """The version of the slot running now."""

    @abstractmethod
    def write_inactive(self, image: Path, *, version: str, manifest: dict) -> None:
        """Write `image` into the slot not running, completely, or raise InstallError and leave
        the running slot as it was. `image` may be consumed (moved) by the write."""

    @abstractmethod
    def switch(self) -> None:
        """Make the next boot run the freshly written slot, on trial."""

    @abstractmethod
    def boot(self) -> None:
        """Power-on or reboot: run the slot the bootloader picks (the trial slot after a switch,
        the old one once the trial slot used up its tries)."""

    @abstractmethod
    def trying(self) -> bool:
        """The running slot is on trial: switched to, booted, neither committed nor rolled back."""

    @abstractmethod
    def gave_up(self) -> str | None:
        """The version of a trial slot the last boot gave up on (MAX_TRIES), once; else None."""

    @abstractmethod
    def health_check(self, *, timeout: float = HEALTHCHECK_SECONDS) -> Verdict:
        """Run the running slot's own health check."""

    @abstractmethod
    def commit(self) -> None:
        """Keep the trial slot: later boots run it."""

    @abstractmethod
    def rollback(self) -> None:
        """Give the trial slot up: the next boot (and every later one) runs the previous slot."""


def write_atomically(path: Path, data: bytes) -> None:
    """Write temp, fsync, rename, fsync the directory: after a crash `path` holds the old bytes
    or the new ones, never a mix."""
    temp = path.with_name(f".{path.name}.tmp")
    with open(temp, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temp, path)
    fsync_dir(path.parent)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_json(path: Path) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return data if isinstance(data, dict) else None


class SimulatedSlots(FirmwareSlots):
    """Two slot directories and a state file under `root`; see the module docstring."""

    def __init__(self, root: Path, *, hardware: str, factory_version: str) -> None:
        self.root, self.hardware = Path(root), hardware
        self.lock = threading.RLock()
        self.state_file = self.root / "slots.json"
        self.root.mkdir(parents=True, exist_ok=True)
        if read_json(self.state_file) is None:
            self._factory(factory_version)
        self.running, self.version = "a", ""
        self.given_up: str | None = None
        self.boot()

    def _factory(self, version: str) -> None:
        """First power-on: slot a holds the factory firmware, committed."""
        slot = self.root / "a"
        shutil.rmtree(slot, ignore_errors=True)
        slot.mkdir()
        write_atomically(slot / "VERSION", f"{version}\n".encode())
        self._save({"active": "a", "trying": None, "tries": 0})

    def _state(self) -> dict:
        state = read_json(self.state_file)
        if state is None or state.get("active") not in ("a", "b"):
            raise InstallError(f"{self.state_file} is not a slot state file")
        return state

    def _save(self, state: dict) -> None:
        write_atomically(self.state_file, json.dumps(state).encode())

    @staticmethod
    def other(slot: str) -> str:
        return "b" if slot == "a" else "a"

    def slot_version(self, slot: str) -> str:
        try:
            return (self.root / slot / "VERSION").read_text().strip()
        except OSError:
            return ""

    def running_version(self) -> str:
        # Read at boot: the running slot's files never change while it runs (writes go to the
        # other slot), and every telemetry sample asks.
        return self.version

    def boot(self) -> None:
        with self.lock:
            state = self._state()
            trial = state["trying"]
            if trial and state["tries"] >= MAX_TRIES:
                log.warning(
                    "%s: slot %s never confirmed in %d boots; back to %s",
                    self.root,
                    trial,
                    MAX_TRIES,
                    state["active"],
                )
                self.given_up = self.slot_version(trial)
                state = {"active": state["active"], "trying": None, "tries": 0}
                self._save(state)
            elif trial:
                state["tries"] += 1
                self._save(state)  # counted before anything of the trial slot runs
            self.running = state["trying"] or state["active"]
            self.version = self.slot_version(self.running)

    def trying(self) -> bool:
        with self.lock:
            return self._state()["trying"] == self.running

    def gave_up(self) -> str | None:
        with self.lock:
            version, self.given_up = self.given_up, None
            return version

    def write_inactive(self, image: Path, *, version: str, manifest: dict) -> None:
        with self.lock:
            state = self._state()
            if state["trying"]:
                raise InstallError("a trial slot is waiting for its verdict")
            target = self.other(state["active"])
        fresh = self.root / f"{target}.new"
        shutil.rmtree(fresh, ignore_errors=True)
        try:
            fresh.mkdir()
            self._unpack(image, fresh, version)
            write_atomically(fresh / "manifest.json", json.dumps(manifest).encode())
            with self.lock:
                shutil.rmtree(self.root / target, ignore_errors=True)
                os.replace(fresh, self.root / target)
                fsync_dir(self.root)
        except InstallError:
            shutil.rmtree(fresh, ignore_errors=True)
            raise
        except OSError as exc:
            shutil.rmtree(fresh, ignore_errors=True)
            raise InstallError(f"slot {target} could not be written: {exc}") from None

    def _unpack(self, image: Path, into: Path, version: str) -> None:
        """Only VERSION and healthcheck come out of the image: nothing else of it is run, and
        no member name can reach outside the slot."""
        try:
            with tarfile.open(image, "r:gz") as tar:
                found = read_members(
                    tar, {"VERSION": MAX_VERSION_BYTES, "healthcheck": MAX_HEALTHCHECK_BYTES}
                )
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise InstallError(f"the image is not a readable tar.gz: {exc}") from None
        inside = found["VERSION"].decode(errors="replace").strip()
        if inside != version:
            raise InstallError(f"the image's VERSION says {inside!r}, the release says {version}")
        write_atomically(into / "VERSION", f"{inside}\n".encode())
        write_atomically(into / "healthcheck", found["healthcheck"])
        (into / "healthcheck").chmod(0o755)

    def switch(self) -> None:
        with self.lock:
            state = self._state()
            target = self.other(state["active"])
            if not self.slot_version(target):
                raise InstallError(f"slot {target} holds no firmware to switch to")
            self._save({"active": state["active"], "trying": target, "tries": 0})

    def health_check(self, *, timeout: float = HEALTHCHECK_SECONDS) -> Verdict:
        with self.lock:
            slot = self.root / self.running
        try:
            done = subprocess.run(
                [str(slot / "healthcheck")], cwd=slot, capture_output=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return Verdict(False, "healthcheck_timeout", f"the health check ran over {timeout:g} s")
        except OSError as exc:
            return Verdict(False, "healthcheck_failed", f"the health check cannot run: {exc}")
        if done.returncode == 0:
            return Verdict(True)
        said = done.stderr.decode(errors="replace").strip().splitlines()
        detail = f"the health check exited {done.returncode}" + (
            f": {said[-1][:200]}" if said else ""
        )
        return Verdict(False, "healthcheck_failed", detail)

    def commit(self) -> None:
        with self.lock:
            state = self._state()
            if state["trying"]:
                self._save({"active": state["trying"], "trying": None, "tries": 0})

    def rollback(self) -> None:
        with self.lock:
            state = self._state()
            self._save({"active": state["active"], "trying": None, "tries": 0})


def read_members(tar: tarfile.TarFile, wanted: dict[str, int]) -> dict[str, bytes]:
    """The regular files named in `wanted` (name -> size limit) at the archive's root."""
    found: dict[str, bytes] = {}
    for member in tar:
        name = member.name.removeprefix("./")
        if name not in wanted or name in found:
            continue
        if not member.isfile() or member.size > wanted[name]:
            raise InstallError(
                f"{name} in the image is not a regular file of at most {wanted[name]} bytes"
            )
        stream = tar.extractfile(member)
        found[name] = stream.read() if stream else b""
        if len(found) == len(wanted):
            break  # the rest of a large image need not be decompressed
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise InstallError(f"the image has no {', '.join(missing)} at its root")
    return found
