"""The simulated A/B slots: a write never touches the running slot, a bad image is refused
whole, and a trial slot that never confirms itself is given up after MAX_TRIES boots, as a
bootloader's boot counter does."""

from __future__ import annotations

import io
import tarfile

import pytest

from smartcart.agentkit.slots import MAX_TRIES, InstallError, SimulatedSlots
from smartcart.release.build import sample_image


def image_with(path, members: dict[str, bytes]):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), 0o755
            tar.addfile(info, io.BytesIO(data))
    return path


def test_it_gives_up_a_trial_slot_that_never_confirms(tmp_path):
    slots = SimulatedSlots(tmp_path / "ota", hardware="cart-v1", factory_version="1.0.0")
    image = sample_image(version="1.1.0", out=tmp_path / "image.tar.gz")
    slots.write_inactive(image, version="1.1.0", manifest={"version": "1.1.0"})
    assert slots.running_version() == "1.0.0"  # written, not yet switched to
    slots.switch()
    assert slots.running_version() == "1.0.0" and not slots.trying()

    for _ in range(MAX_TRIES):  # power-on after power-on, each dying during the check
        again = SimulatedSlots(tmp_path / "ota", hardware="cart-v1", factory_version="9.9.9")
        assert again.running_version() == "1.1.0" and again.trying()
    last = SimulatedSlots(tmp_path / "ota", hardware="cart-v1", factory_version="9.9.9")
    assert last.running_version() == "1.0.0" and not last.trying()
    assert last.gave_up() == "1.1.0" and last.gave_up() is None


def test_it_commits_a_confirmed_slot_for_every_later_boot(tmp_path):
    slots = SimulatedSlots(tmp_path, hardware="cart-v1", factory_version="1.0.0")
    slots.write_inactive(
        sample_image(version="1.1.0", out=tmp_path / "i.tar.gz"), version="1.1.0", manifest={}
    )
    slots.switch()
    slots.boot()
    assert slots.health_check().ok
    slots.commit()
    for _ in range(MAX_TRIES + 1):
        slots.boot()
        assert slots.running_version() == "1.1.0" and not slots.trying()


def test_it_refuses_bad_images_and_leaves_the_running_slot_alone(tmp_path):
    slots = SimulatedSlots(tmp_path / "ota", hardware="cart-v1", factory_version="1.0.0")
    check = b"#!/bin/sh\nexit 0\n"
    bad = {
        "says another version": image_with(
            tmp_path / "v.tar.gz", {"VERSION": b"1.2.0\n", "healthcheck": check}
        ),
        "has no health check": image_with(tmp_path / "h.tar.gz", {"VERSION": b"1.1.0\n"}),
        "hides it in a folder": image_with(
            tmp_path / "f.tar.gz", {"x/VERSION": b"1.1.0\n", "x/healthcheck": check}
        ),
        "is no tar.gz": tmp_path / "junk.bin",
    }
    bad["is no tar.gz"].write_bytes(b"\x1f\x8b not really gzip")
    for what, image in bad.items():
        with pytest.raises(InstallError):
            slots.write_inactive(image, version="1.1.0", manifest={})
        assert slots.running_version() == "1.0.0", what
    with pytest.raises(InstallError, match="holds no firmware"):
        slots.switch()
    slots.boot()
    assert slots.running_version() == "1.0.0" and not list((tmp_path / "ota").glob("*.new"))


def test_it_rolls_back_at_the_next_boot_when_the_check_fails(tmp_path):
    slots = SimulatedSlots(tmp_path, hardware="cart-v1", factory_version="1.0.0")
    image = sample_image(version="1.1.0", out=tmp_path / "i.tar.gz", broken=True)
    slots.write_inactive(image, version="1.1.0", manifest={})
    slots.switch()
    slots.boot()
    verdict = slots.health_check()
    assert (verdict.ok, verdict.reason) == (False, "healthcheck_failed")
    slots.rollback()
    slots.boot()
    assert slots.running_version() == "1.0.0" and not slots.trying()


def test_it_stops_a_health_check_that_hangs(tmp_path):
    slots = SimulatedSlots(tmp_path, hardware="cart-v1", factory_version="1.0.0")
    hanging = image_with(
        tmp_path / "i.tar.gz", {"VERSION": b"1.1.0\n", "healthcheck": b"#!/bin/sh\nsleep 30\n"}
    )
    slots.write_inactive(hanging, version="1.1.0", manifest={})
    slots.switch()
    slots.boot()
    verdict = slots.health_check(timeout=0.5)
    assert (verdict.ok, verdict.reason) == (False, "healthcheck_timeout")
