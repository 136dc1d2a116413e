"""Releases signed by a key the cloud trusts (and one it does not), stores, and reports."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from channels.testing import WebsocketCommunicator

from cloud.releases.models import Release
from cloud.releases.services import upload_release
from cloud.stores.services import register_store
from smartcart import tunnel_frames as frames
from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate

from ..conftest import heartbeat_body, tunnel


@pytest.fixture(scope="session")
def signing(tmp_path_factory) -> dict:
    """A trusted key pair and a stranger's."""
    trusted = generate(tmp_path_factory.mktemp("trusted"))
    stranger = generate(tmp_path_factory.mktemp("stranger"))
    return {
        "private": trusted[0],
        "public": trusted[1],
        "key_id": trusted[2],
        "stranger": stranger[0],
    }


@pytest.fixture(autouse=True)
def release_settings(settings, signing, tmp_path):
    settings.RELEASE_TRUST = (signing["public"],)
    settings.RELEASES_DIR = tmp_path / "releases"
    settings.OTA_MIN_USE_HOURS = 5
    settings.OTA_MIN_SESSIONS = 20


@pytest.fixture
def build(signing, tmp_path):
    """build(version, hardware=..., ...) -> (manifest path, artifact path), signed."""

    def make(
        version: str,
        *,
        hardware: str = "cart-v1",
        channel: str = "stable",
        expires_days: float = 90,
        key: Path | None = None,
        now: datetime | None = None,
        broken: bool = False,
    ) -> tuple[Path, Path]:
        out = tmp_path / f"build-{hardware}-{version}-{channel}"
        image = sample_image(version=version, out=out / "image.tar.gz", broken=broken)
        return build_release(
            image=image,
            version=version,
            hardware=hardware,
            channel=channel,
            expires_days=expires_days,
            key=key or signing["private"],
            out=out,
            now=now or datetime.now(UTC),
        )

    return make


@pytest.fixture
def release(db, build) -> Release:
    """cart-v1 1.1.0, uploaded."""
    manifest, artifact = build("1.1.0")
    return upload_release(
        manifest=manifest.read_bytes(), artifact=[artifact.read_bytes()], uploaded_by="ops"
    )


@pytest.fixture
def stores(db) -> dict[str, str]:
    """store-001..store-003 registered; code -> key."""
    return {
        code: register_store(code=code, name=code)[1]
        for code in ("store-001", "store-002", "store-003")
    }


def upload(client, manifest: Path, artifact: Path | bytes):
    data = artifact if isinstance(artifact, bytes) else artifact.read_bytes()
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        "/api/v1/releases/",
        {
            "manifest": SimpleUploadedFile("m.json", manifest.read_bytes()),
            "artifact": SimpleUploadedFile("a.tar.gz", data),
        },
        format="multipart",
    )


def job(
    device: str,
    state: str,
    *,
    campaign: int | None,
    phase: int | None = 1,
    percent: int | None = None,
    reason: str = "",
    waiting_reason: str = "",
    to_version: str = "1.1.0",
    updated_at: str | None = None,
    release: int | None = None,
) -> dict:
    return {
        "campaign": campaign,
        "release": release,
        "device": device,
        "kind": "cart",
        "phase": phase,
        "state": state,
        "percent": percent,
        "waiting_reason": waiting_reason,
        "reason": reason,
        "detail": "",
        "from_version": "1.0.0",
        "to_version": to_version,
        "requested_by": f"campaign:{campaign}" if campaign else "rack:rack-01",
        "updated_at": updated_at or frames.now_iso(),
    }


def figures(carts=0, use_hours=0.0, faults=0, sessions=0, help_requests=0) -> dict:
    return {
        "carts": carts,
        "use_hours": use_hours,
        "faults": faults,
        "sessions": sessions,
        "help_requests": help_requests,
    }


def report(jobs=(), campaigns=(), firmware=()) -> frames.Frame:
    body = {"jobs": list(jobs), "campaigns": list(campaigns), "firmware": list(firmware)}
    return frames.Frame(frames.OTA_REPORT, frames.new_id(), body, frames.now_iso())


async def open_tunnel(code: str, key: str) -> WebsocketCommunicator:
    """The store's tunnel, open and online (its first heartbeat acked)."""
    comm = tunnel(code, key)
    connected, _ = await comm.connect()
    assert connected
    beat = frames.heartbeat({**heartbeat_body(), "store": code})
    await comm.send_to(text_data=beat.to_json())
    assert (await answer_to(comm, beat.id))["type"] == "ack"
    return comm


async def answer_to(comm: WebsocketCommunicator, frame_id: str, timeout: float = 5) -> dict:
    """The cloud's ack or error for frame `frame_id` (commands sent meanwhile are skipped)."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] in ("ack", "error") and frame["id"] == frame_id:
            return frame


def send_reports(code: str, key: str, *frames_: frames.Frame) -> list[dict]:
    """Open store `code`'s tunnel, send each report, return the cloud's answers."""

    async def scenario():
        comm = await open_tunnel(code, key)
        answers = []
        for frame in frames_:
            await comm.send_to(text_data=frame.to_json())
            answers.append(await answer_to(comm, frame.id))
        await comm.disconnect()
        return answers

    return asyncio.run(scenario())
