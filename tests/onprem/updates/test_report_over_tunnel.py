"""The uplink sends ota_report frames over a real WebSocket and sends a report again until the
cloud acks it; an acked job is marked reported and not sent again."""

from __future__ import annotations

import asyncio
import json

import pytest

from onprem.updates import report
from onprem.updates.jobs import create_job
from onprem.updates.models import UpdateJob
from onprem.uplink.client import Backoff, Uplink
from smartcart import tunnel_frames as frames

from .conftest import ready

pytestmark = pytest.mark.django_db(transaction=True)


async def stand_in_cloud(ws, seen: list[dict], uplink: Uplink) -> None:
    async for message in ws:
        frame = json.loads(message)
        if frame["type"] == "heartbeat":
            await ws.send(frames.ack(frame["id"]).to_json())
            continue
        seen.append(frame)
        if len(seen) >= 2:  # the first report goes unanswered, the second is acked
            await ws.send(frames.ack(frame["id"]).to_json())
        if len(seen) == 2:
            asyncio.get_running_loop().call_later(1.0, uplink.stopping.set)


@pytest.mark.timeout(30)
def test_it_resends_an_unacked_report_and_stops_once_acked(release_cached, monkeypatch):
    from websockets.asyncio.server import serve

    monkeypatch.setattr(report, "RESEND_S", 0.3)
    ready("cart-001")
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=release_cached("1.1.0"),
        requested_by="staff:stella",
        why="test",
    )
    reporter = report.OtaReporter()
    reporter.interval = 0.1
    seen: list[dict] = []

    async def scenario():
        async def heartbeat() -> dict:
            return {"status": "ok", "components": {}}

        uplink = Uplink(
            url="",
            store="store-001",
            key="k",
            heartbeat_seconds=60,
            build_heartbeat=heartbeat,
            backoff=Backoff(base=0.1, cap=0.1),
            reports=[report.UplinkOtaReport(reporter)],
        )
        async with serve(lambda ws: stand_in_cloud(ws, seen, uplink), "127.0.0.1", 0) as server:
            uplink.url = f"ws://127.0.0.1:{server.sockets[0].getsockname()[1]}/ws/tunnel/v1/"
            await asyncio.wait_for(uplink.run(), 20)

    asyncio.run(scenario())

    assert [f["type"] for f in seen] == ["ota_report", "ota_report"]
    assert [[j["job"] for j in f["body"]["jobs"]] for f in seen] == [[job.pk], [job.pk]]
    assert seen[0]["id"] != seen[1]["id"]
    job.refresh_from_db()
    assert job.reported_revision == job.revision
    assert UpdateJob.objects.filter(reported_revision=0).count() == 0
