from __future__ import annotations

from tests.conftest import free_port

from .conftest import seen


def test_it_reports_each_component_without_auth(db, client, store_key):
    seen("store-001", 1)

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok" and body["tier"] == "cloud"
    assert set(body["components"]) == {"database", "cache", "channel_layer", "stores"}
    assert all(c["ok"] for c in body["components"].values())
    assert body["components"]["stores"]["detail"] == "1 of 1 online"


def test_it_answers_503_when_the_channel_layer_is_down(db, client, settings):
    # A Redis nobody listens on: the tunnel could not replace connections across pods.
    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [dead]}}
    }

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503 and body["status"] == "degraded"
    assert body["components"]["channel_layer"]["ok"] is False
    assert "Error" in body["components"]["channel_layer"]["detail"]
    assert body["components"]["database"]["ok"] is True
