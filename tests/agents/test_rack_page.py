from __future__ import annotations

import httpx

from tests.conftest import free_port, wait_for_port


def test_it_shows_slots_and_docked_carts_on_the_rack_page(spawn_agent, listener):
    port = free_port()
    spawn_agent("rack_agent", "rack-05", http_port=str(port), slots="6", sim_carts="4", seed="2")
    reading = listener.wait_for("rack-05", "telemetry")
    wait_for_port(port)

    data = httpx.get(f"http://127.0.0.1:{port}/slots.json").json()
    page = httpx.get(f"http://127.0.0.1:{port}/")
    assert [s["slot"] for s in data["slots"]] == [1, 2, 3, 4, 5, 6]
    docked = [s for s in data["slots"] if s["cart"]]
    assert docked and all(0 <= s["battery_soc"] <= 100 and s["health"] for s in docked)
    assert page.status_code == 200 and "Rack rack-05" in page.text
    assert docked[0]["cart"] in page.text
    assert {s["cart"] for s in reading["slots"]} - {None} <= {
        f"rack-05-cart-{n:02d}" for n in range(1, 5)
    }
    assert httpx.get(f"http://127.0.0.1:{port}/nope").status_code == 404
