from __future__ import annotations

import asyncio

import pytest

from cloud.stores.models import Store

from .conftest import heartbeat_body, send_heartbeat, tunnel

DROP = object()


def bent(**changes) -> dict:
    """A valid heartbeat body with `changes` applied at paths written a__b (DROP deletes)."""
    body = heartbeat_body()
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = body
        for name in parents:
            node = node[name]
        if value is DROP:
            del node[last]
        else:
            node[last] = value
    return body


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (bent(components__ingest="down"), "body.components.ingest must be an object, not str"),
        (bent(components__kitchen={"ok": True}), "body.components has unknown field 'kitchen'"),
        (bent(components__database__ok="yes"), "body.components.database.ok must be true or false"),
        (bent(components__ingest__lag_ms=-1), "body.components.ingest.lag_ms must be a number"),
        (bent(components__ingest__lag_ms=True), "body.components.ingest.lag_ms must be a number"),
        (bent(fleet__carts__online=2.5), "body.fleet.carts.online must be a whole number"),
        (bent(fleet__carts__online=None), "body.fleet.carts.online must be a whole number"),
        (bent(fleet__racks__total=DROP), "body.fleet.racks.total is missing"),
        (bent(fleet__carts__total=10**12), "body.fleet.carts.total must be a whole number"),
        (bent(status="fine"), "body.status must be one of ok, degraded"),
        (bent(status=None), "body.status must be one of ok, degraded"),
        (bent(store="store-002"), "body.store is 'store-002', this tunnel is store-001"),
        (
            bent(components__cache={"ok": True, "detail": "x" * 501}),
            "body.components.cache.detail is longer",
        ),
        (
            bent(components__cache={"ok": True, "detail": "\ud800"}),
            "body.components.cache.detail holds a lone",
        ),
        (bent(extra={"nested": [1]}), "body has unknown field 'extra'"),
        (bent(fleet={"error": 5}), "body.fleet.error must be a string, not int"),
        (bent(fleet=[1, 2]), "body.fleet must be an object, not list"),
    ],
    ids=lambda v: None if isinstance(v, dict) else v.split(" ")[0],
)
def test_it_refuses_a_bad_heartbeat_and_keeps_the_list_readable(
    transactional_db, store_key, ops_api, body, message
):
    async def scenario():
        comm = tunnel("store-001", store_key)
        await comm.connect()
        _, refused = await send_heartbeat(comm, body)
        _, accepted = await send_heartbeat(comm)
        await comm.disconnect()
        return refused, accepted

    refused, accepted = asyncio.run(scenario())

    assert refused["type"] == "error" and refused["body"]["code"] == "bad_heartbeat"
    assert refused["body"]["message"].startswith(f"bad heartbeat: {message}")
    assert accepted["type"] == "ack"
    response = ops_api.get("/api/v1/stores/")
    assert response.status_code == 200
    assert response.json()["results"][0]["heartbeat"]["status"] == "ok"
    assert Store.objects.get(code="store-001").last_heartbeat["components"]["ingest"]["ok"] is True
