"""On-prem releases (a dummy wheel, signed like firmware), stores that report what they run."""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from cloud.releases.models import DeviceFirmware, Release
from cloud.releases.services import upload_release
from cloud.stores.models import Store, StoreGroup
from cloud.stores.services import register_store
from smartcart import tunnel_frames as frames
from smartcart.release.build import build_release

from ..conftest import heartbeat_body, tunnel
from ..releases.conftest import build, release_settings, signing  # noqa: F401  (fixtures)

RUNNING = "0.1.0"


def wheel(out: Path, version: str) -> Path:
    """A small wheel of this project's name and `version` (what the store's updater installs)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"smartcart-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("smartcart/__init__.py", f'__version__ = "{version}"\n')
        archive.writestr(
            f"smartcart-{version}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: smartcart\nVersion: {version}\n",
        )
    return path


@pytest.fixture
def build_onprem(signing, tmp_path):  # noqa: F811
    """build_onprem(version) -> (manifest path, artifact path): an onprem-v1 wheel, signed."""

    def make(version: str, *, key: Path | None = None) -> tuple[Path, Path]:
        out = tmp_path / f"onprem-{version}-{'stranger' if key else 'trusted'}"
        return build_release(
            image=wheel(out / "dist", version),
            version=version,
            hardware="onprem-v1",
            channel="stable",
            expires_days=90,
            key=key or signing["private"],
            out=out,
            now=datetime.now(UTC),
        )

    return make


@pytest.fixture
def onprem_release(db, build_onprem):
    """onprem_release(version="0.2.0") -> the uploaded Release."""

    def make(version: str = "0.2.0") -> Release:
        manifest, artifact = build_onprem(version)
        return upload_release(
            manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="ops"
        )

    return make


def software_heartbeat(code: str, version: str | None = RUNNING) -> dict:
    body = {**heartbeat_body(), "store": code}
    if version is not None:
        body["software"] = {"version": version, "protocol": frames.VERSION}
    return body


def add_store(
    code: str,
    *,
    version: str | None = RUNNING,
    carts: dict[str, int] | None = None,
    group: str | None = None,
) -> str:
    """Register store `code` running on-prem `version` with carts {firmware: how many}; its key."""
    key = register_store(code=code, name=code)[1]
    Store.objects.filter(code=code).update(
        last_heartbeat=software_heartbeat(code, version), last_heartbeat_at=timezone.now()
    )
    store = Store.objects.get(code=code)
    n = 0
    for firmware, count in (carts if carts is not None else {"1.0.0": 4}).items():
        for _ in range(count):
            n += 1
            DeviceFirmware.objects.create(
                store=store, device=f"cart-{n:03d}", kind="cart", version=firmware
            )
    if group:
        StoreGroup.objects.get_or_create(name=group)[0].stores.add(store)
    return key


@pytest.fixture
def stores(db) -> dict[str, str]:
    """store-001..store-003 on 0.1.0, in group "north"; code -> key."""
    return {
        code: add_store(code, group="north") for code in ("store-001", "store-002", "store-003")
    }


async def open_tunnel(code: str, key: str) -> tuple[WebsocketCommunicator, list[dict]]:
    """The store's tunnel, open, its heartbeat (with `software`) acked; and the commands the
    cloud sent meanwhile (what waits in the outbox goes on connect)."""
    comm = tunnel(code, key)
    connected, _ = await comm.connect()
    assert connected
    beat = frames.heartbeat(software_heartbeat(code))
    await comm.send_to(text_data=beat.to_json())
    commands = []
    while True:
        frame = await comm.receive_json_from(timeout=5)
        if frame["type"] == "command":
            commands.append(frame)
        elif frame["id"] == beat.id:
            assert frame["type"] == "ack", frame
            return comm, commands


async def answer_to(comm: WebsocketCommunicator, frame_id: str, timeout: float = 5) -> dict:
    """The cloud's ack or error for frame `frame_id` (commands sent meanwhile are skipped)."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] in ("ack", "error") and frame["id"] == frame_id:
            return frame


def report(*updates: dict) -> frames.Frame:
    return frames.Frame(
        frames.SOFTWARE_REPORT, frames.new_id(), {"updates": list(updates)}, frames.now_iso()
    )


def step(rollout: int, state: str, at: str, *, version: str = "0.2.0", **more) -> dict:
    return {"rollout": rollout, "version": version, "state": state, "at": at, **more}
