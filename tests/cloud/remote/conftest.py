from __future__ import annotations

import pytest
from channels.testing import HttpCommunicator
from django.contrib.auth import get_user_model

from cloud.core.tokens import issue_token
from cloud.remote.services import grant_remote_access
from cloud.stores.models import Store


def ops_user(username: str, *, store: str | None = None, superuser: bool = False):
    """An ops (staff) user, granted remote access to `store` if named."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True, "is_superuser": superuser}
    )
    if store:
        grant_remote_access(user=user, store=Store.objects.get(code=store))
    return user


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {issue_token(user=user, scopes=['ops']).token}"}


@pytest.fixture
def granted(store_key) -> dict:
    """Headers of an ops user granted store-001 (registered, no tunnel open)."""
    return bearer(ops_user("ops-granted", store="store-001"))


async def response_of(client: HttpCommunicator) -> dict:
    """The whole response, streamed or not (a stream's last message may carry no body)."""
    await client.send_input({"type": "http.request", "body": b""})
    start = await client.receive_output(10)
    response = {"status": start["status"], "headers": start["headers"], "body": b""}
    while True:
        message = await client.receive_output(10)
        response["body"] += message.get("body", b"")
        if not message.get("more_body"):
            return response
