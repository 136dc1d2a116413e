"""Every place a kill -9 can leave an OTA job on disk, made on purpose with the installer's own
steps, then a fresh start of the device: it always ends on the old or the new version, with the
verdict the job had reached, and says so in an `ota` event. (test_ota_survives_kill.py kills
real processes at random; this one pins the boundaries a random kill rarely hits.)"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from smartcart.agentkit.ota import OtaInstaller
from smartcart.agentkit.slots import SimulatedSlots
from tests.agents.ota_kit import ArtifactServer, ReleaseKit
from tests.conftest import wait_until


class Device:
    """A device's OTA as a power-on finds it on disk; reboots come back as new boots."""

    def __init__(self, root: Path, trust: Path, *, reboots: bool = True) -> None:
        self.slots = SimulatedSlots(root, hardware="cart-v1", factory_version="1.0.0")
        self.ota = OtaInstaller(
            device="cart-001", slots=self.slots, root=root, trust=(trust,), credentials=None,
            request_reboot=self.reboot,
        )  # fmt: skip
        self.events: list[dict] = []
        self.reboots, self.asked_to_reboot = reboots, threading.Event()

    def reboot(self) -> None:
        self.asked_to_reboot.set()
        if self.reboots:
            threading.Thread(target=self.ota.rebooted).start()

    def final(self) -> dict | None:
        self.ota.flush(lambda name, data: self.events.append(data))
        ended = [e for e in self.events if e["state"] in ("succeeded", "failed", "rolled_back")]
        return ended[-1] if ended else None


@pytest.fixture
def prepared(tmp_path):
    """make(): a device whose job went as far as the switch and then lost power as it asked
    for the reboot (the slot written and switched to, not yet booted)."""
    kit, server = ReleaseKit(tmp_path), ArtifactServer()
    root = tmp_path / "ota"

    def make(broken: bool = False) -> Device:
        manifest, artifact = kit.release("1.1.0", broken=broken)
        device = Device(root, kit.public, reboots=False)
        device.ota.install({"job": "j1", "manifest": manifest, "url": server.add(artifact)})
        assert device.asked_to_reboot.wait(15)
        assert device.ota.job["stage"] == "rebooting" and device.slots.running_version() == "1.0.0"
        return device

    yield make, root, kit
    server.close()


def restart(root: Path, kit: ReleaseKit) -> Device:
    device = Device(root, kit.public)
    device.ota.start()
    return device


def ended(device: Device) -> dict:
    return wait_until(device.final, "the job's end", timeout=15)


def test_it_installs_again_when_killed_while_writing_the_slot(prepared):
    make, root, kit = prepared
    device = make()
    device.slots.rollback()  # undo the switch: as if the kill came before it
    device.ota.stage("installing")
    (root / "b.new").mkdir()  # a half-written slot
    device = restart(root, kit)
    assert ended(device)["state"] == "succeeded" and device.slots.running_version() == "1.1.0"


@pytest.mark.parametrize("said_rebooting", [False, True])
def test_it_checks_the_new_slot_when_killed_after_the_switch(prepared, said_rebooting):
    make, root, kit = prepared
    device = make()
    if not said_rebooting:
        device.ota.stage("installing")  # killed between the switch and the job's next line
    again = restart(root, kit)
    assert ended(again)["state"] == "succeeded" and again.slots.running_version() == "1.1.0"


@pytest.mark.parametrize("committed", [False, True])
def test_it_keeps_a_verdict_to_commit(prepared, committed):
    make, root, kit = prepared
    device = make(broken=True)  # its check would fail: only the recorded verdict may decide
    device.slots.boot()
    device.ota.stage("committing")
    if committed:
        device.slots.commit()
    again = restart(root, kit)
    assert ended(again) == {
        "job": "j1", "state": "succeeded", "version": "1.1.0", "running": "1.1.0"
    }  # fmt: skip


@pytest.mark.parametrize("rolled_back", [False, True])
def test_it_keeps_a_verdict_to_roll_back(prepared, rolled_back):
    make, root, kit = prepared
    device = make()  # its check would pass: only the recorded verdict may decide
    device.slots.boot()
    device.ota.stage("rolling_back", reason="healthcheck_failed", detail="exited 1")
    if rolled_back:
        device.slots.rollback()
    again = restart(root, kit)
    assert ended(again) == {
        "job": "j1", "state": "rolled_back", "version": "1.1.0", "running": "1.0.0",
        "reason": "healthcheck_failed", "detail": "exited 1",
    }  # fmt: skip
    assert again.slots.running_version() == "1.0.0" and not again.slots.trying()


def test_it_says_the_end_again_when_killed_before_it_was_sent(prepared):
    make, root, kit = prepared
    device = make()
    device.slots.boot()
    device.ota.stage("committing")
    device.slots.commit()
    device.ota.finish("succeeded")  # the event was queued, never handed to the outbox
    again = restart(root, kit)
    assert ended(again)["state"] == "succeeded"
    assert restart(root, kit).final() is None  # handed over once: not said a third time
