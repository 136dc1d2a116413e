from __future__ import annotations

import asyncio

import pytest

from cloud.stores.models import Store

from .conftest import send_heartbeat, tunnel

DEEP = "[" * 30_000 + "]" * 30_000
HEARTBEAT_HEAD = '{"v":1,"type":"heartbeat","id":"h-1","body":'


@pytest.mark.parametrize(
    ("sent", "message"),
    [
        ({"text_data": DEEP}, "a frame nests at most 32 levels deep"),
        ({"text_data": HEARTBEAT_HEAD + DEEP + "}"}, "a frame nests at most 32 levels deep"),
        (
            {"text_data": '{"v":1,"id":"x\ud800"}'},
            "not UTF-8 text: the frame holds a lone surrogate",
        ),
        ({"bytes_data": b'{"v":1,"type":"heartbeat","id":"b-1","body":{}}'}, "binary frames"),
        ({"bytes_data": b"\xff\xfe\x00"}, "binary frames are not read: send JSON as a text frame"),
        ({"text_data": '\ufeff{"v":1}'}, "not JSON: a frame must not start with a byte order mark"),
        ({"text_data": HEARTBEAT_HEAD + '{"x":NaN}}'}, "not JSON: NaN is not a JSON number"),
        ({"text_data": HEARTBEAT_HEAD + '{"x":1e400}}'}, "not JSON: number 1e400 is too large"),
        (
            {"text_data": HEARTBEAT_HEAD + '{"x":' + "9" * 5000 + "}}"},
            "not JSON: Exceeds the limit",
        ),
        ({"text_data": '{"v":1,"type":"heartbeat","id":"\\ud800"}'}, "a frame needs an id"),
    ],
    ids=[
        "deep",
        "deep-body",
        "surrogate",
        "binary-json",
        "binary-junk",
        "bom",
        "nan",
        "infinite",
        "huge-int",
        "surrogate-id",
    ],
)
def test_it_answers_a_hostile_frame_with_an_error_and_keeps_the_tunnel(
    transactional_db, store_key, sent, message
):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await comm.send_to(**sent)
        answer = await comm.receive_json_from(timeout=5)
        _, after = await send_heartbeat(comm)
        await comm.disconnect()
        return answer, after

    answer, after = asyncio.run(scenario())

    assert answer["type"] == "error" and answer["body"]["code"] == "bad_frame"
    assert answer["body"]["message"].startswith(message)
    assert after["type"] == "ack"
    assert Store.objects.get(code="store-001").last_heartbeat["status"] == "ok"
