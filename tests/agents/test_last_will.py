from __future__ import annotations

import signal


def test_it_is_marked_offline_by_its_last_will_when_killed(spawn_agent, listener):
    proc = spawn_agent("cart_agent", "cart-002")
    online = listener.wait_for("cart-002", "status", lambda d: d["state"] == "online")
    proc.send_signal(signal.SIGKILL)
    offline = listener.wait_for("cart-002", "status", lambda d: d["state"] == "offline", timeout=30)
    assert offline["boot_id"] == online["boot_id"]


def test_it_says_offline_itself_when_stopped_with_sigterm(spawn_agent, listener):
    proc = spawn_agent("rack_agent", "rack-01")
    listener.wait_for("rack-01", "status", lambda d: d["state"] == "online")
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(15) == 0
    listener.wait_for("rack-01", "status", lambda d: d["state"] == "offline", timeout=5)
    assert "stopped: produced" in proc.stderr.read()
