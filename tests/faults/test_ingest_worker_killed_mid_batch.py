"""One of two shared-subscription ingest workers is `kill -9`ed three times while it holds a
batch, and started again under the same name (as systemd would): the broker redelivers what
the dead worker never acknowledged, the unique key absorbs what it had already committed, and
every reading produced is stored exactly once. The other worker never stops."""

from __future__ import annotations

import shutil
import signal
import time
import uuid

import pytest
from django.utils import timezone

from onprem.fleet.models import IngestState
from onprem.fleet.services import provision_device
from tests.conftest import test_database_url

from .conftest import (
    Count,
    assert_still_running,
    onprem_env,
    produced_by_agents,
    settle,
    stored_readings_orm,
    wait,
)

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not shutil.which("mosquitto"), reason="needs mosquitto"),
]
CARTS = 20  # and one rack: 21 agents at 20 readings/s each
KILLS = 3
# The victim gathers for a whole second before it commits, so at any moment it holds about a
# second of its share (~200 readings) un-acknowledged: each kill lands mid-batch.
VICTIM_BATCH = {"SMARTCART_INGEST_FLUSH_MS": "1000", "SMARTCART_INGEST_BATCH": "5000"}


def running_since(name: str, moment) -> bool:
    """The ingest worker `name` has recorded a start after `moment` (it is subscribed)."""
    return IngestState.objects.filter(name=name, started_at__gt=moment).exists()


def test_it_stores_every_reading_once_when_an_ingest_worker_dies_mid_batch(
    transactional_db, broker, crew, store_id
):
    provision_device(kind="rack", device_id="rack-01", slot_count=10)
    for n in range(1, CARTS + 1):
        provision_device(kind="cart", device_id=f"cart-{n:03d}")
    crew.env = onprem_env(db_url=test_database_url(), mqtt_url=broker.url, store=store_id)
    started = time.monotonic()
    tag = uuid.uuid4().hex[:8]
    victim, steady = f"ingest-a-{tag}", f"ingest-b-{tag}"
    since = timezone.now()
    workers = {
        victim: crew.ingest(victim, shared=True, **VICTIM_BATCH),
        steady: crew.ingest(steady, shared=True),
    }
    wait(lambda: running_since(steady, since), 30, "the steady worker up")
    simulator = crew.simulate(store=store_id, mqtt=broker.url, carts=CARTS, interval=0.05)
    for kill in range(1, KILLS + 1):
        # Kill a worker that is up and working, never one still starting: wait for its start
        # to be recorded, then for it to gather a batch under load.
        wait(
            lambda since=since: running_since(victim, since),
            60,
            f"the victim up before kill {kill}",
        )
        time.sleep(3)
        assert_still_running(workers, crew)
        workers[victim].send_signal(signal.SIGKILL)
        workers[victim].wait(10)
        time.sleep(1)  # systemd's RestartSec
        since = timezone.now()
        workers[victim] = crew.ingest(victim, shared=True, **VICTIM_BATCH)
    wait(lambda: running_since(victim, since), 60, "the victim up after the last kill")
    time.sleep(3)
    simulator.send_signal(signal.SIGTERM)
    assert simulator.wait(30) == 0, crew.log("simulator")

    produced, left = produced_by_agents(crew.log("simulator", tail=None))
    assert len(produced) == CARTS + 1 and left == 0, (produced, left)
    settle(lambda: len(stored_readings_orm()), sum(produced.values()))
    assert_still_running(workers, crew)
    # Ingest's own crash-loop record (/healthz) saw each kill as an unclean end, and only those.
    crashes = dict(IngestState.objects.filter(name__in=workers).values_list("name", "crashes"))
    assert crashes == {victim: KILLS, steady: 0}, crashes
    for name, proc in workers.items():
        proc.terminate()
        assert proc.wait(30) == 0, crew.log(name)
    count = Count(produced, stored_readings_orm())
    redelivered = broker.redelivered_to(victim)
    print(
        count.figures(
            "ingest worker kill -9",
            kills=KILLS,
            redelivered=redelivered,
            ingest_crashes=crashes[victim],
            seconds=round(time.monotonic() - started),
        )
    )
    count.assert_exactly_once()
    assert redelivered > 0, (
        "no kill landed mid-batch: the broker had nothing un-acked to send again"
    )
