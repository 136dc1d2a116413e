"""A message the broker took but no one in the store subscribed to (MQTT 5 reason 16, e.g. ingest
not yet back after a broker restart) stays in the outbox and is sent again: nothing is lost."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.agents.conftest import Listener, produced
from tests.e2e.test_broker_outage import Mosquitto

pytestmark = pytest.mark.skipif(
    not shutil.which("mosquitto"), reason="needs the mosquitto broker (MQTT 5)"
)


@pytest.fixture
def mosquitto():
    broker = Mosquitto()
    broker.start()
    yield broker
    if broker.proc.poll() is None:
        broker.stop()
    shutil.rmtree(broker.folder, ignore_errors=True)


def test_readings_sent_while_no_one_listens_arrive_when_someone_does(mosquitto, spawn_agent, store):
    info = {"host": "127.0.0.1", "port": mosquitto.port, "protocol": 5}
    agent = spawn_agent(
        "cart_agent", "cart-016", url=f"mqtt://127.0.0.1:{mosquitto.port}", interval="0.05"
    )
    time.sleep(2.0)  # about 40 readings, each answered "no matching subscribers"

    late = Listener(info, f"smartcart/{store}/cart/cart-016/telemetry")
    late.wait_for("cart-016", "telemetry", lambda d: d["seq"] == 0, timeout=40)
    agent.terminate()
    count, left = produced(agent.communicate(timeout=20)[1])
    late.wait_for("cart-016", "telemetry", lambda d: d["seq"] == count - 1, timeout=20)
    late.close()

    seqs = {data["seq"] for _, data in late.on("cart-016", "telemetry")}
    assert left == 0 and count > 40
    assert seqs == set(range(count)), f"missing: {sorted(set(range(count)) - seqs)[:10]}"
