from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.utils import timezone
from oauth2_provider.models import AccessToken, set_token_value
from rest_framework.test import APIClient

from cloud.asgi import application
from cloud.core.tokens import issue_token
from cloud.stores.services import register_store
from smartcart import tunnel_frames as frames

TUNNEL_PATH = "/ws/tunnel/v1/"


@pytest.fixture(autouse=True, scope="session")
def celery_eager():
    # Tests run tasks in the caller even when SMARTCART_REDIS_URL points at a real Redis:
    # no worker runs beside pytest. Redis still backs the cache and the channel layer.
    from cloud.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture
def store_key(db) -> str:
    """Store "store-001" is registered; the fixture is its plaintext key."""
    return register_store(code="store-001", name="Store one")[1]


def token_client(username: str, scope: str, *, staff: bool = False) -> APIClient:
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": staff}
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user, scopes=[scope]).token}")
    return client


def raw_token_client(user, scope: str, *, application=None) -> APIClient:
    """A client with a token row written as is (no role check): what an old or foreign row holds."""
    raw = secrets.token_urlsafe(32)
    access = AccessToken(
        user=user,
        application=application,
        scope=scope,
        expires=timezone.now() + timedelta(hours=1),
    )
    set_token_value(access, raw)
    access.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


@pytest.fixture
def ops_api(db) -> APIClient:
    return token_client("ops", "ops", staff=True)


def tunnel(code: str | None, key: str | None, *, scheme: str = "Bearer") -> WebsocketCommunicator:
    """A WebSocket client on the tunnel endpoint, with the store's headers (None leaves one out)."""
    headers = []
    if code is not None:
        headers.append((b"x-smartcart-store", code.encode()))
    if key is not None:
        headers.append((b"authorization", f"{scheme} {key}".encode()))
    return WebsocketCommunicator(application, TUNNEL_PATH, headers=headers)


def heartbeat_body(status: str = "ok", online: int = 3) -> dict:
    return {
        "store": "store-001",
        "status": status,
        "components": {
            "database": {"ok": True, "detail": "sqlite", "ms": 0.4},
            "ingest": {"ok": True, "detail": "running", "lag_ms": 42.0, "last_flush_age_s": 0.3},
        },
        "fleet": {
            "carts": {
                "total": 4,
                "online": online,
                "offline": 4 - online,
                "low_battery": 1,
                "fault": 0,
                "docked": 2,
            },
            "racks": {"total": 1, "online": 1, "offline": 0},
        },
    }


async def send_heartbeat(comm: WebsocketCommunicator, body: dict | None = None) -> tuple[str, dict]:
    """Send one heartbeat frame; return its id and the cloud's answer."""
    frame = frames.heartbeat(body if body is not None else heartbeat_body())
    await comm.send_to(text_data=frame.to_json())
    return frame.id, await comm.receive_json_from(timeout=5)


async def close_code(comm: WebsocketCommunicator) -> int | None:
    """The code the cloud closed the socket with (after it had accepted it)."""
    message = await comm.receive_output(timeout=5)
    assert message["type"] == "websocket.close", message
    return message.get("code")


def seen(code: str, seconds_ago: float, *, body: dict | None = None) -> None:
    """Store `code` is online with its last heartbeat `seconds_ago` (registered if new)."""
    from datetime import timedelta

    from django.utils import timezone

    from cloud.stores.models import Store

    if not Store.objects.filter(code=code).exists():
        register_store(code=code, name=code)
    Store.objects.filter(code=code).update(
        online=True,
        last_heartbeat_at=timezone.now() - timedelta(seconds=seconds_ago),
        last_heartbeat=body if body is not None else heartbeat_body(),
    )
