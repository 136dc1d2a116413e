"""Mosquitto SIGKILLed six times while 21 real agents produce 12,000 readings: nothing is
stored twice, neither ingest nor the agents fall over, and only what the broker itself held
in memory at each kill may be lost.

Mosquitto acknowledges a QoS 1 publish once it is queued for ingest's session in memory and
writes its store to disk only every autosave_interval (and on a clean stop): a SIGKILL loses
what it had acked to an agent but not yet delivered to ingest. CI saw 4 of 12,108 readings
(one agent, 0.2 s) go that way; anything more is ours to explain."""

from __future__ import annotations

import shutil
import signal
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
    produced_by_agents,
    settle,
    stored_readings_orm,
    wait,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not shutil.which("mosquitto"), reason="needs mosquitto"),
]
MESSAGES = 12_000
KILLS = 6
CARTS = 20  # and one rack: 21 agents at 20 readings/s each, about 30 s of production
# What a broker may hold acked-but-undelivered at one kill: a few readings of a few agents.
LOST_PER_KILL = 10


def test_it_stores_every_reading_once_across_six_broker_kills(
    transactional_db, broker, crew, store_id
):
    provision_device(kind="rack", device_id="rack-01", slot_count=10)
    for n in range(1, CARTS + 1):
        provision_device(kind="cart", device_id=f"cart-{n:03d}")
    crew.env = onprem_env(db_url=test_database_url(), mqtt_url=broker.url, store=store_id)
    started = time.monotonic()
    name = f"ingest-{uuid.uuid4().hex[:8]}"
    ingest = crew.ingest(name)
    wait(lambda: IngestState.objects.filter(name=name).exists(), 30, "ingest subscribed")
    simulator = crew.simulate(store=store_id, mqtt=broker.url, carts=CARTS, interval=0.05)
    appended = lambda: outbox_counts(crew.outbox_dir)[0]  # noqa: E731
    for kill in range(1, KILLS + 1):
        due = kill * MESSAGES // (KILLS + 1)
        wait(lambda due=due: appended() >= due, 60, f"production before kill {kill}")
        broker.kill()
        time.sleep(1.0)
        broker.start()
    # The outboxes also hold events (a fault, a dock: about 1 in 1,000 rows), which are not
    # readings: wait for 1 % more rows so that MESSAGES readings were surely produced.
    wait(lambda: appended() >= MESSAGES * 1.01, 60, f"{MESSAGES} readings produced")
    # Let the agents' backoff bring them back and their outboxes drain before the clean stop.
    wait(
        lambda: outbox_counts(crew.outbox_dir)[1] < 100, 60, "outboxes drained after the last kill"
    )
    simulator.send_signal(signal.SIGTERM)
    assert simulator.wait(30) == 0, crew.log("simulator")
    assert_still_running({name: ingest}, crew)

    produced, left = produced_by_agents(crew.log("simulator", tail=None))
    assert len(produced) == CARTS + 1 and left == 0, (produced, left)
    expected = sum(produced.values())
    settle(lambda: len(stored_readings_orm()), expected)
    crashes = IngestState.objects.get(name=name).crashes  # ingest's own crash-loop record
    ingest.terminate()
    assert ingest.wait(30) == 0, crew.log(name)
    count = Count(produced, stored_readings_orm())
    # Mosquitto restarts without the sessions it had not saved yet (autosave_interval): a
    # publish that arrives before ingest has subscribed again is acked with "no matching
    # subscribers" (reason 16), which is where readings go missing if they do.
    print(
        count.figures(
            "broker SIGKILL",
            kills=broker.kills,
            acked_without_subscriber=broker.acked_without_subscriber(),
            ingest_crashes=crashes,
            seconds=round(time.monotonic() - started),
        )
    )
    assert broker.kills == KILLS and crashes == 0
    assert count.total_produced >= MESSAGES
    count.assert_at_most_lost(
        KILLS * LOST_PER_KILL, "acked by Mosquitto and queued in its memory at a SIGKILL"
    )
