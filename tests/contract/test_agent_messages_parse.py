from __future__ import annotations

from smartcart.protocol import TELEMETRY_BY_KIND, Ack, Event, Status, parse_topic

PARSERS = {"status": Status.parse, "ack": Ack.parse, "event": Event.parse}


def test_it_publishes_only_messages_the_server_parsers_accept(captured):
    seen = set()
    for message in captured:
        where = parse_topic(message.topic)
        parse = (
            TELEMETRY_BY_KIND[where.kind].parse
            if where.channel == "telemetry"
            else PARSERS[where.channel]
        )
        parsed = parse(message.payload)
        assert getattr(parsed, "device", where.device) == where.device
        seen.add((where.kind, where.channel))
    assert seen >= {
        ("cart", "telemetry"),
        ("rack", "telemetry"),
        ("cart", "status"),
        ("rack", "status"),
        ("cart", "ack"),
        ("rack", "ack"),
        ("cart", "event"),
        ("rack", "event"),
    }


def test_it_publishes_every_message_at_qos1(captured):
    # Delivered QoS is min(published, subscribed=1): 1 here proves the agents published at QoS 1.
    # (Live deliveries never carry the retain flag; tests/agents/test_retained_status.py checks it.)
    assert [(m.topic, m.payload[:80]) for m in captured if m.qos != 1] == []


def test_it_acks_every_command_by_its_id(captured):
    acks = [Ack.parse(m.payload) for m in captured if m.topic.endswith("/ack")]
    # Per command the order is fixed; between two commands it is not (separate publishes).
    assert [a.state for a in acks if a.id == "k1"] == ["accepted", "done"]
    assert [a.state for a in acks if a.id == "k2"] == ["rejected"]
    assert [(a.id, a.state, a.result) for a in acks if a.id == "k3"][-1] == (
        "k3",
        "done",
        {"slot": 2, "powered": False},
    )
