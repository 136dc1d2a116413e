from __future__ import annotations

import subprocess
import sys

import pytest
from django.test import Client

from onprem.core.tokens import issue_token
from onprem.fleet.models import Cart, Rack
from onprem.fleet.services import provision_device
from tests.agents.conftest import agent_env
from tests.conftest import wait_until  # noqa: F401 - the tests here import it from this conftest
from tests.onprem.auth.conftest import person


@pytest.fixture
def fleet(db):
    """rack-01 (4 slots) and carts cart-001..cart-003, all offline."""
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")


def bearer(user, scope: str) -> Client:
    raw = issue_token(username=user.username, scopes=[scope]).token
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def staff(db) -> Client:
    """A store manager's token (user stella, staff scope)."""
    return bearer(person("stella", staff=True), "staff")


@pytest.fixture
def ops(db) -> Client:
    """An ops engineer's token (user olga, ops scope)."""
    return bearer(person("olga", groups=("ops",)), "ops")


def send(client: Client, path: str, body: dict):
    return client.post(path, body, content_type="application/json")


@pytest.fixture
def start_agent(server_env, tmp_path):
    """start_agent(device, module="cart_agent") -> a real agent process on the test's broker
    and store."""
    started: list[subprocess.Popen] = []

    def start(device: str, module: str = "cart_agent") -> subprocess.Popen:
        env = agent_env(
            server_env["SMARTCART_MQTT_URL"],
            server_env["SMARTCART_STORE_ID"],
            device,
            tmp_path / f"{device}.sqlite3",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", module],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.terminate()
        proc.communicate(timeout=20)




def online(device: str) -> bool:
    model = Rack if device.startswith("rack") else Cart
    return model.objects.filter(device_id=device, online=True).exists()


def command_in(
    client: Client, command_id: str, states: tuple[str, ...], timeout: float = 20.0
) -> dict:
    """The command as the API shows it, once it reaches one of `states`."""

    def seen():
        body = client.get(f"/api/v1/commands/{command_id}/").json()
        return body if body["state"] in states else None

    return wait_until(seen, f"command {command_id} in {states}", timeout)
