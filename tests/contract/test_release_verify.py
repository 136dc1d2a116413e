"""`smartcart release verify` as ops and the checks run it: a good release exits 0; each kind of
tampering exits 1 with one line `refused: <reason_code>: <sentence>` naming the right reason."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate

SMARTCART = Path(sys.executable).parent / "smartcart"


@pytest.fixture(scope="module")
def signed(tmp_path_factory) -> dict:
    """Our key, a stranger's key, and a good cart-v1 1.1.0 release signed with ours."""
    root = tmp_path_factory.mktemp("release")
    ours, stranger = generate(root / "ours"), generate(root / "stranger")
    image = sample_image(version="1.1.0", out=root / "image.tar.gz", payload_bytes=50_000)
    manifest, artifact = build_release(
        image=image, version="1.1.0", hardware="cart-v1", channel="stable",
        expires_days=30, key=ours[0], out=root / "dist",
    )  # fmt: skip
    return {"root": root, "ours": ours, "stranger": stranger, "manifest": manifest,
            "artifact": artifact, "image": image}  # fmt: skip


def verify(manifest: Path, artifact: Path, trust: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SMARTCART), "release", "verify", "--manifest", str(manifest),
         "--artifact", str(artifact), "--trust", str(trust), *extra],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip


def refused(done: subprocess.CompletedProcess) -> str:
    """The reason code of a refusal, after checking its shape: exit 1, one line on stderr."""
    assert done.returncode == 1, (done.returncode, done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("refused: "), done.stderr
    code, sentence = lines[0].removeprefix("refused: ").split(": ", 1)
    assert sentence.strip()
    return code


def edited(signed: dict, name: str, change) -> Path:
    data = json.loads(signed["manifest"].read_text())
    change(data)
    path = signed["root"] / f"{name}.manifest.json"
    path.write_text(json.dumps(data))
    return path


def copy_artifact(signed: dict, name: str, change) -> Path:
    path = signed["root"] / f"{name}.tar.gz"
    path.write_bytes(change(signed["artifact"].read_bytes()))
    return path


def test_it_accepts_the_good_release(signed):
    done = verify(signed["manifest"], signed["artifact"], signed["ours"][1])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"ok: cart-v1 1.1.0 (stable), key {signed['ours'][2]}")
    pinned = ("--hardware", "cart-v1", "--current-version", "1.0.9")
    assert (
        verify(signed["manifest"], signed["artifact"], signed["ours"][1], *pinned).returncode == 0
    )


def test_it_refuses_a_bit_flipped_or_truncated_image(signed):
    def flip(data: bytes) -> bytes:
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]

    flipped = copy_artifact(signed, "flipped", flip)
    truncated = copy_artifact(signed, "truncated", lambda data: data[:-100])
    longer = copy_artifact(signed, "longer", lambda data: data + b"\0")
    trust = signed["ours"][1]
    assert refused(verify(signed["manifest"], flipped, trust)) == "sha256_mismatch"
    assert refused(verify(signed["manifest"], truncated, trust)) == "size_mismatch"
    assert refused(verify(signed["manifest"], longer, trust)) == "size_mismatch"
    other = sample_image(version="1.1.0", out=signed["root"] / "other.tar.gz", payload_bytes=50_000)
    other = copy_artifact(signed, "same-size", lambda data: other.read_bytes()[: len(data)])
    assert refused(verify(signed["manifest"], other, trust)) == "sha256_mismatch"


def test_it_refuses_unknown_and_wrong_keys(signed):
    trust = signed["ours"][1]
    theirs = build_release(
        image=signed["image"], version="1.1.0", hardware="cart-v1", channel="stable",
        expires_days=30, key=signed["stranger"][0], out=signed["root"] / "theirs",
    )  # fmt: skip
    assert refused(verify(*theirs, trust)) == "unknown_key"

    # A signature made with another key, under our key's id: the signature does not hold.
    stranger_signature = json.loads(theirs[0].read_text())["signature"]
    forged = edited(signed, "forged", lambda m: m.update(signature=stranger_signature))
    assert refused(verify(forged, signed["artifact"], trust)) == "bad_signature"
    garbage = edited(signed, "garbage", lambda m: m.update(signature="not base64!"))
    assert refused(verify(garbage, signed["artifact"], trust)) == "bad_signature"
    zeros = base64.b64encode(bytes(64)).decode()
    zeroed = edited(signed, "zeroed", lambda m: m.update(signature=zeros))
    assert refused(verify(zeroed, signed["artifact"], trust)) == "bad_signature"


def test_it_refuses_fields_changed_after_signing(signed):
    trust = signed["ours"][1]
    for name, change in {
        "version": lambda m: m.update(version="1.9.0"),
        "hardware": lambda m: m.update(hardware="rack-v1"),
        "expires": lambda m: m.update(expires="2099-01-01T00:00:00Z"),
        "channel": lambda m: m.update(channel="testing"),
        "size": lambda m: m.update(size=m["size"] + 1),
    }.items():
        manifest = edited(signed, f"changed-{name}", change)
        assert refused(verify(manifest, signed["artifact"], trust)) == "bad_signature", name


def test_it_refuses_malformed_manifests(signed):
    trust = signed["ours"][1]
    broken = signed["root"] / "broken.manifest.json"
    broken.write_text(signed["manifest"].read_text()[:-20])
    array = signed["root"] / "array.manifest.json"
    array.write_text(json.dumps([json.loads(signed["manifest"].read_text())]))
    cases = {
        "not JSON": broken,
        "missing field": edited(signed, "missing", lambda m: m.pop("sha256")),
        "unknown field": edited(signed, "extra", lambda m: m.update(note="trust me")),
        "unsigned": edited(signed, "unsigned", lambda m: m.update(signature="")),
        "bad version": edited(signed, "bad-version", lambda m: m.update(version="1.1")),
        "empty object": edited(signed, "empty", lambda m: m.clear()),
        "a list": array,
    }
    for what, manifest in cases.items():
        assert refused(verify(manifest, signed["artifact"], trust)) == "malformed", what
    missing = signed["root"] / "nowhere.tar.gz"
    assert refused(verify(signed["manifest"], missing, trust)) == "malformed"


def test_it_refuses_expired_foreign_and_not_newer_releases(signed):
    trust, artifact = signed["ours"][1], signed["artifact"]
    old = build_release(
        image=signed["image"], version="1.1.0", hardware="cart-v1", channel="stable",
        expires_days=30, key=signed["ours"][0], out=signed["root"] / "old",
        now=datetime.now(UTC) - timedelta(days=31),
    )  # fmt: skip
    assert refused(verify(*old, trust)) == "expired"
    assert refused(verify(signed["manifest"], artifact, trust, "--hardware", "rack-v1")) == (
        "wrong_hardware"
    )
    for current in ("1.1.0", "1.2.0", "2.0.0"):
        done = verify(signed["manifest"], artifact, trust, "--current-version", current)
        assert refused(done) == "not_newer", current


def test_it_trusts_every_key_of_a_rotated_set(signed, tmp_path):
    keys = tmp_path / "trusted"
    keys.mkdir()
    for pair in (signed["ours"], signed["stranger"]):
        (keys / pair[1].name).write_bytes(pair[1].read_bytes())
    theirs = build_release(
        image=signed["image"], version="1.1.0", hardware="cart-v1", channel="stable",
        expires_days=30, key=signed["stranger"][0], out=signed["root"] / "rotated",
    )  # fmt: skip
    assert verify(*theirs, keys).returncode == 0
    assert verify(signed["manifest"], signed["artifact"], keys).returncode == 0
