"""A client gets the retained messages of its own subscriptions only, never those that match
another client's: an agent's retained status must not reach a listener on commands because an
ingest subscribed to everything is connected (amqtt 0.12 did that; smartcart.broker corrects
it)."""

from __future__ import annotations

import json

from .conftest import Listener


def test_it_sends_a_new_client_only_the_retained_messages_it_subscribed_to(mqtt_broker, store):
    status_topic = f"smartcart/{store}/cart/cart-001/status"
    everything = Listener(mqtt_broker, f"smartcart/{store}/#")  # as ingest subscribes
    listeners = [everything]
    try:
        everything.client.publish(
            status_topic, json.dumps({"state": "offline"}), qos=1, retain=True
        ).wait_for_publish(5)
        everything.wait_for("cart-001", "status")

        on_status = Listener(mqtt_broker, f"smartcart/{store}/+/+/status")
        on_commands = Listener(mqtt_broker, f"smartcart/{store}/+/+/cmd")
        listeners += [on_status, on_commands]

        on_status.wait_for("cart-001", "status")
        assert [(m.topic, m.retain) for m in on_status.messages] == [(status_topic, True)]
        assert on_commands.messages == [], "a retained status matching only ingest's filter"
    finally:
        everything.client.publish(status_topic, b"", qos=1, retain=True).wait_for_publish(5)
        for listening in listeners:
            listening.close()
