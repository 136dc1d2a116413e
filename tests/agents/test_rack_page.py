from __future__ import annotations

import httpx

from rack_agent.technician import hash_password
from tests.conftest import free_port, wait_for_port

TECHNICIAN = ("technician", "slot-key-42")


def test_it_shows_slots_and_docked_carts_on_the_rack_page(spawn_agent, listener):
    port = free_port()
    spawn_agent(
        "rack_agent",
        "rack-05",
        http_port=str(port),
        http_password_hash=hash_password(TECHNICIAN[1]),
        slots="6",
        sim_carts="4",
        seed="2",
    )
    reading = listener.wait_for("rack-05", "telemetry")
    wait_for_port(port)
    page_at = httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=TECHNICIAN)

    data = page_at.get("/slots.json").json()
    page = page_at.get("/")
    assert [s["slot"] for s in data["slots"]] == [1, 2, 3, 4, 5, 6]
    docked = [s for s in data["slots"] if s["cart"]]
    assert docked and all(0 <= s["battery_soc"] <= 100 and s["health"] for s in docked)
    assert page.status_code == 200 and "Rack rack-05" in page.text
    assert docked[0]["cart"] in page.text
    assert {s["cart"] for s in reading["slots"]} - {None} <= {
        f"rack-05-cart-{n:02d}" for n in range(1, 5)
    }
    assert page_at.get("/nope").status_code == 404
