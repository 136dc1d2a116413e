"""A private MariaDB is SIGKILLed and, later, stopped and started again while ten real agents
publish and ingest stores: ingest holds its batches (un-acked) through each outage, stays up,
and every reading produced is stored exactly once.

The database here is always a private mariadbd (never the machine's own, which other runs
share), whatever SMARTCART_DB_URL says; without mariadbd or mysqlclient the test skips.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import ROOT

from .conftest import Count, assert_still_running, onprem_env, produced_by_agents, settle, wait

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(not shutil.which("mosquitto"), reason="needs mosquitto"),
]
CARTS = 9  # and one rack: 10 agents at 20 readings/s each
OUTAGE_SECONDS = 6.0
DATABASE = "faults"
READINGS_SQL = (
    "SELECT device_id, boot_id, seq FROM fleet_cartreading "
    "UNION ALL SELECT device_id, boot_id, seq FROM fleet_rackreading"
)


def manage(env: dict, *argv: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, (
        f"manage.py {' '.join(argv)}: {done.stdout[-1000:]}{done.stderr[-2000:]}"
    )


def test_it_stores_every_reading_once_across_database_restarts(mariadb, broker, crew, store_id):
    mariadb.query(
        "", f"CREATE DATABASE {DATABASE} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    crew.env = onprem_env(db_url=mariadb.url(DATABASE), mqtt_url=broker.url, store=store_id)
    manage(crew.env, "migrate", "--noinput")
    manage(crew.env, "provision", "rack", "rack-01", "--slots", "10")
    manage(crew.env, "provision", "cart", *[f"cart-{n:03d}" for n in range(1, CARTS + 1)])
    stored = lambda: [tuple(row) for row in mariadb.query(DATABASE, READINGS_SQL)]  # noqa: E731

    started = time.monotonic()
    name = f"ingest-{uuid.uuid4().hex[:8]}"
    ingest = crew.ingest(name)
    wait(
        lambda: mariadb.query(DATABASE, f"SELECT 1 FROM fleet_ingeststate WHERE name = '{name}'"),
        30,
        "ingest subscribed",
    )
    simulator = crew.simulate(store=store_id, mqtt=broker.url, carts=CARTS, interval=0.05)
    wait(lambda: len(stored()) >= 1000, 60, "readings flowing into MariaDB")
    mariadb.kill()  # a crash: InnoDB recovers on start
    time.sleep(OUTAGE_SECONDS)
    mariadb.start()
    wait(lambda: len(stored()) >= 3000, 60, "readings flowing again after the crash")
    mariadb.stop()  # a planned restart (package upgrade)
    time.sleep(OUTAGE_SECONDS)
    mariadb.start()
    time.sleep(5)
    simulator.send_signal(signal.SIGTERM)
    assert simulator.wait(30) == 0, crew.log("simulator")
    assert_still_running({name: ingest}, crew)

    produced, left = produced_by_agents(crew.log("simulator", tail=None))
    assert len(produced) == CARTS + 1 and left == 0, (produced, left)
    settle(lambda: len(stored()), sum(produced.values()))
    assert_still_running({name: ingest}, crew)
    [(crashes,)] = mariadb.query(
        DATABASE, f"SELECT crashes FROM fleet_ingeststate WHERE name = '{name}'"
    )
    ingest.terminate()
    assert ingest.wait(30) == 0, crew.log(name)
    count = Count(produced, stored())
    print(
        count.figures(
            "MariaDB restarts",
            kills=mariadb.kills,
            restarts=mariadb.restarts,
            ingest_crashes=crashes,
            seconds=round(time.monotonic() - started),
        )
    )
    count.assert_exactly_once()
    assert crashes == 0
