"""A real cart agent (`python -m cart_agent`) fills its outbox with 2,000 readings while the
broker is away and is `kill -9`ed; started again, it is killed once more while draining, and
a third start delivers the rest. Every reading of the three boots is stored exactly once."""

from __future__ import annotations

import shutil
import signal
import sys
import time
import uuid

import pytest

from onprem.fleet.models import IngestState
from onprem.fleet.services import provision_device
from tests.conftest import test_database_url

from .conftest import (
    Count,
    assert_still_running,
    onprem_env,
    outbox_counts,
    outbox_readings,
    produced_by_agents,
    settle,
    stored_readings_orm,
    wait,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not shutil.which("mosquitto"), reason="needs mosquitto"),
]
BACKLOG = 2_000
DEVICE = "cart-001"


def produced_by_boot(readings: list[tuple[str, str, int]]) -> dict[tuple[str, str], int]:
    """A killed agent leaves no summary: a boot produced seq 0..max of what is seen of it."""
    top: dict[tuple[str, str], int] = {}
    for device, boot, seq in readings:
        top[(device, boot)] = max(top.get((device, boot), -1), seq)
    return {key: seq + 1 for key, seq in top.items()}


def test_it_delivers_a_killed_agents_outbox_once(transactional_db, broker, crew, store_id):
    provision_device(kind="cart", device_id=DEVICE)
    outbox = crew.folder / f"{DEVICE}.outbox.sqlite3"
    crew.env = {
        **onprem_env(db_url=test_database_url(), mqtt_url=broker.url, store=store_id),
        "SMARTCART_AGENT_STORE": store_id,
        "SMARTCART_AGENT_DEVICE": DEVICE,
        "SMARTCART_AGENT_MQTT_URL": broker.url,
        "SMARTCART_AGENT_OUTBOX": str(outbox),
        "SMARTCART_AGENT_INTERVAL": "0.02",
        "SMARTCART_AGENT_RECONNECT_MAX": "2",
    }
    started = time.monotonic()
    broker.kill()  # away from the start: everything the agent produces waits in its outbox
    agent = crew.start("agent", [sys.executable, "-m", "cart_agent"])
    wait(
        lambda: outbox.exists() and len(outbox_readings(outbox, waiting_only=True)) >= BACKLOG,
        90,
        f"{BACKLOG} readings waiting",
    )
    agent.send_signal(signal.SIGKILL)
    agent.wait(10)
    first_kill = outbox_readings(outbox)
    assert len(first_kill) >= BACKLOG and len(produced_by_boot(first_kill)) == 1

    broker.start()
    name = f"ingest-{uuid.uuid4().hex[:8]}"
    ingest = crew.ingest(name)
    wait(lambda: IngestState.objects.filter(name=name).exists(), 30, "ingest subscribed")
    agent = crew.start("agent", [sys.executable, "-m", "cart_agent"])
    # Killed again once a quarter of the backlog is out: the broker drains an outbox in about
    # a second, so watch the outbox itself, closely. Some readings are out, unacknowledged.
    wait(
        lambda: outbox_counts(crew.folder)[1] <= len(first_kill) * 3 // 4,
        60,
        "the backlog draining",
        every=0.01,
    )
    agent.send_signal(signal.SIGKILL)
    agent.wait(10)
    second_kill = outbox_readings(outbox)
    waiting_at_second_kill = outbox_readings(outbox, waiting_only=True)
    assert waiting_at_second_kill, "the outbox drained before the second kill: nothing left to test"

    agent = crew.start("agent", [sys.executable, "-m", "cart_agent"])
    wait(
        lambda: len(outbox_readings(outbox, waiting_only=True)) < 50,
        60,
        "the outbox drained by the third boot",
    )
    time.sleep(1)
    agent.send_signal(signal.SIGTERM)
    assert agent.wait(30) == 0, crew.log("agent")
    assert_still_running({name: ingest}, crew)

    last_boot, left = produced_by_agents(crew.log("agent", tail=None))
    assert left == 0 and len(last_boot) == 1, (last_boot, left)
    # A killed boot produced up to its newest reading, which was still waiting in the outbox
    # when it died (or, had the outbox drained, was delivered: then stored says how far it got).
    produced = {**produced_by_boot(first_kill + second_kill), **last_boot}
    settle(lambda: len(stored_readings_orm()), sum(produced.values()))
    produced = {**produced_by_boot(first_kill + second_kill + stored_readings_orm()), **last_boot}
    assert len(produced) == 3, produced
    ingest.terminate()
    assert ingest.wait(30) == 0, crew.log(name)
    count = Count(produced, stored_readings_orm())
    print(
        count.figures(
            "agent kill -9",
            backlog=len(first_kill),
            waiting_at_second_kill=len(waiting_at_second_kill),
            kills=2,
            seconds=round(time.monotonic() - started),
        )
    )
    count.assert_exactly_once()
