from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import send_heartbeat, tunnel


@pytest.mark.parametrize(
    ("sent", "code", "answer_id"),
    [
        ({"v": 1, "type": "teleport", "id": "f-1", "body": {}}, "unknown_type", "f-1"),
        ({"v": 9, "type": "heartbeat", "id": "f-2", "body": {}}, "unsupported_version", "f-2"),
        ({"v": 1, "type": "heartbeat", "body": {}}, "bad_frame", ""),
        ({"v": 1, "type": "heartbeat", "id": "f-3", "body": [1]}, "bad_frame", "f-3"),
        ("not json {", "bad_frame", ""),
    ],
    ids=["unknown-type", "wrong-version", "no-id", "body-not-object", "not-json"],
)
def test_it_answers_an_unreadable_frame_and_keeps_the_tunnel(
    transactional_db, store_key, sent, code, answer_id
):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await comm.send_to(text_data=sent if isinstance(sent, str) else json.dumps(sent))
        answer = await comm.receive_json_from(timeout=5)
        _, after = await send_heartbeat(comm)
        await comm.disconnect()
        return answer, after

    answer, after = asyncio.run(scenario())

    assert answer["type"] == "error" and answer["id"] == answer_id
    assert answer["body"]["code"] == code and answer["body"]["message"]
    assert after["type"] == "ack"


def test_it_names_the_frame_types_it_handles_in_the_unknown_type_answer(
    transactional_db, store_key
):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await comm.send_json_to({"v": 1, "type": "report", "id": "c-1", "body": {}})
        answer = await comm.receive_json_from(timeout=5)
        await comm.disconnect()
        return answer

    answer = asyncio.run(scenario())

    # The list grows with each kind of traffic (commands' acks, then the remote proxy's answers).
    assert answer["body"]["message"].startswith(
        "unknown frame type 'report': this end handles heartbeat, ack"
    )


def test_it_refuses_a_frame_over_the_size_limit(transactional_db, store_key):
    big = {"v": 1, "type": "heartbeat", "id": "big-1", "body": {"pad": "é" * 140_000}}

    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        await comm.send_json_to(big)
        answer = await comm.receive_json_from(timeout=5)
        await comm.disconnect()
        return answer

    answer = asyncio.run(scenario())

    assert answer["body"] == {"code": "too_large", "message": "a frame is at most 262144 bytes"}
