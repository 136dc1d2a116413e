from __future__ import annotations

import time

from tests.agents.conftest import Listener, produced


def test_it_sends_what_a_previous_run_left_in_its_outbox(own_broker, spawn_agent, store):
    offline_run = spawn_agent("cart_agent", "cart-011", url=own_broker.url, interval="0.1")
    time.sleep(2)  # nothing listens on the port yet: every reading stays in the outbox
    offline_run.terminate()
    count, left = produced(offline_run.communicate(timeout=20)[1])
    assert count >= 5 and left >= count

    own_broker.start()
    listener = Listener(own_broker.info, f"smartcart/{store}/#")
    spawn_agent("cart_agent", "cart-011", url=own_broker.url, interval="0.1")
    listener.wait_for(
        "cart-011",
        "telemetry",
        lambda d: d["seq"] >= 3 and len(listener.on("cart-011", "telemetry")) > count,
    )
    listener.close()

    received = [d for _, d in listener.on("cart-011", "telemetry")]
    boots = list(dict.fromkeys(d["boot_id"] for d in received))
    assert len(boots) == 2
    assert [d["seq"] for d in received if d["boot_id"] == boots[0]] == list(range(count))
    assert all(
        d["boot_id"] == boots[0] for d in received[:count]
    )  # the old run's readings went first
