from __future__ import annotations

import signal
import time

import pytest

from .conftest import OFFLINE_AFTER, start_uplink, stop, wait_for_store


@pytest.mark.e2e
def test_it_shows_the_store_online_through_the_tunnel_and_offline_when_heartbeats_stop(
    cloud, uplink_env, store_id
):
    uplink = start_uplink(uplink_env)
    store = wait_for_store(cloud, store_id, online=True, timeout=30)
    assert store["connected"] is True
    assert store["heartbeat"]["components"]["database"] is True
    assert store["last_heartbeat"]["store"] == store_id

    # A frozen store: its socket stays open but nothing comes through (as when a link dies
    # without a TCP close). Only the monitor's sweep can notice the silence.
    uplink.send_signal(signal.SIGSTOP)
    frozen_at = time.monotonic()
    store = wait_for_store(cloud, store_id, online=False, timeout=OFFLINE_AFTER + 10)
    assert time.monotonic() - frozen_at >= OFFLINE_AFTER - 1.5
    assert store["connected"] is True  # offline by silence, not by a close

    # Heartbeats resume on the same connection: the store is back.
    uplink.send_signal(signal.SIGCONT)
    wait_for_store(cloud, store_id, online=True, timeout=10)

    # A clean stop: SIGTERM closes the tunnel, and the cloud marks the store offline at once.
    uplink.terminate()
    stopped_at = time.monotonic()
    assert uplink.wait(10) == 0
    store = wait_for_store(cloud, store_id, online=False, timeout=OFFLINE_AFTER - 2)
    assert time.monotonic() - stopped_at < OFFLINE_AFTER - 1
    assert store["connected"] is False and store["disconnected_at"]
    assert stop(cloud["monitor"]) == 0  # the monitor stops cleanly on SIGTERM too
