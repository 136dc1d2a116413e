"""The outbox never queues a message the broker would refuse: it would be resent forever."""

from __future__ import annotations

from smartcart.agentkit.outbox import Outbox
from smartcart.protocol.fields import MAX_PAYLOAD


def test_it_refuses_a_message_over_the_limit_and_keeps_the_next(tmp_path, caplog):
    outbox = Outbox(tmp_path / "outbox.sqlite3")

    refused = outbox.append("smartcart/s/cart/c/event", b"x" * (MAX_PAYLOAD + 1))
    kept = outbox.append("smartcart/s/cart/c/event", b"{}")

    assert refused == 0 and kept > 0
    assert [row[2] for row in outbox.after(0, 10)] == [b"{}"]
    assert outbox.counter("oversized") == 1
    assert "over the 65536-byte limit" in caplog.text
    outbox.close()
