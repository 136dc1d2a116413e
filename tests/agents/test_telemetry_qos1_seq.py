from __future__ import annotations


def test_it_publishes_telemetry_at_qos1_with_increasing_seq(spawn_agent, listener):
    spawn_agent("cart_agent", "cart-001")
    listener.wait_for("cart-001", "telemetry", lambda d: d["seq"] >= 5)
    received = listener.on("cart-001", "telemetry")
    assert {message.qos for message, _ in received} == {1}
    seqs = [data["seq"] for _, data in received]
    assert seqs == list(range(len(seqs)))
    assert len({data["boot_id"] for _, data in received}) == 1
    assert all(0 <= data["battery"]["soc"] <= 100 for _, data in received)
