from __future__ import annotations

import signal
import time

from tests.agents.conftest import Listener, produced


def test_it_delivers_in_order_everything_produced_while_the_broker_was_away(
    own_broker, spawn_agent, store
):
    own_broker.start()
    before = Listener(own_broker.info, f"smartcart/{store}/#")
    agent = spawn_agent("cart_agent", "cart-010", url=own_broker.url, interval="0.05")
    before.wait_for("cart-010", "telemetry", lambda d: d["seq"] >= 10)
    # The embedded broker keeps nothing on disk: pause the agent and let the listener receive
    # what the broker already acked, so the stop loses no message on the broker's side.
    agent.send_signal(signal.SIGSTOP)
    time.sleep(0.5)
    own_broker.stop()
    before.close()
    agent.send_signal(signal.SIGCONT)
    time.sleep(3)  # the agent keeps sampling into its outbox, retrying the broker with backoff

    agent.send_signal(signal.SIGSTOP)  # so the listener is back before the agent can flush
    own_broker.start()
    after = Listener(own_broker.info, f"smartcart/{store}/#")
    agent.send_signal(signal.SIGCONT)
    after.wait_for("cart-010", "telemetry", timeout=20)
    time.sleep(1)
    agent.send_signal(signal.SIGTERM)
    count, left = produced(agent.communicate(timeout=20)[1])
    after.wait_for("cart-010", "telemetry", lambda d: d["seq"] == count - 1)
    after.close()

    first = [d["seq"] for _, d in before.on("cart-010", "telemetry")]
    second = [d["seq"] for _, d in after.on("cart-010", "telemetry")]
    assert left == 0
    assert set(first) | set(second) == set(range(count))  # nothing lost
    assert first == sorted(first) and second == sorted(second)  # in order
    # The only copies are the readings delivered just before the outage, sent again after it
    # (the broker may have lost them; the store drops copies by (device, boot_id, seq)).
    replayed = [seq for seq in second if seq in set(first)]
    assert replayed == first[len(first) - len(replayed):]
    assert count - len(first) > 3 / 0.05 / 2  # at least half of the outage's readings came late
