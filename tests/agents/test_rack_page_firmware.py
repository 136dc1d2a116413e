"""The rack page shows each docked cart's firmware as the dock connector reads it; without a
store URL and a technician PIN hash in its config it offers no form, and says so; with a store
it cannot reach, it says that instead of offering releases."""

from __future__ import annotations

import httpx

from rack_agent.technician import hash_password
from tests.agents.rack_page_store import notice
from tests.conftest import free_port, wait_for_port

TECHNICIAN = ("technician", "slot-key-42")


def open_page(spawn_agent, listener, rack: str, **extra: str) -> httpx.Client:
    port = free_port()
    spawn_agent(
        "rack_agent",
        rack,
        http_port=str(port),
        http_password_hash=hash_password(TECHNICIAN[1], iterations=1000),
        slots="6",
        sim_carts="4",
        seed="3",
        **extra,
    )
    listener.wait_for(rack, "telemetry")
    wait_for_port(port)
    return httpx.Client(base_url=f"http://127.0.0.1:{port}", auth=TECHNICIAN, timeout=20)


def test_it_shows_firmware_but_no_form_without_a_store_url_and_pin(spawn_agent, listener):
    page_at = open_page(spawn_agent, listener, "rack-10", firmware="2.4.1")

    page = page_at.get("/")
    slots = page_at.get("/slots.json").json()["slots"]
    cart = next(s["cart"] for s in slots if s["cart"])
    post = page_at.post("/update", data={"cart": cart, "version": "1.1.0"})

    assert {s["firmware"] for s in slots if s["cart"]} == {"2.4.1"}
    assert '<td class="firmware">2.4.1</td>' in page.text
    assert "Force update is off on this rack" in page.text and "<form" not in page.text
    assert post.status_code == 404 and "force update is off" in notice(post)


def test_it_says_when_the_store_cannot_be_reached(spawn_agent, listener):
    page_at = open_page(
        spawn_agent,
        listener,
        "rack-11",
        technician_pin_hash=hash_password("4711", iterations=1000),
        onprem_url=f"http://127.0.0.1:{free_port()}",
    )

    page = page_at.get("/")

    assert page.status_code == 200
    assert "Releases cannot be listed: the store&#x27;s API at http://127.0.0.1:" in page.text
    assert "<form" not in page.text
