"""The whole loop over the real broker: a shopper presses the help button on a cart (the
cart agent's own code, in this process so the test can press it) -> event -> a real ingest
process -> a help request on the shopper's session -> the assist light command goes back
to the cart and the light is on; staff resolve it and the light goes off."""

from __future__ import annotations

from cart_agent.hal.simulated import SimulatedCart
from onprem.shopping.models import HelpRequest
from tests.agents.conftest import InProcessCart
from tests.onprem.commands.conftest import online, wait_until

from .conftest import help_url, send


def light(cart: InProcessCart, device: str) -> bool:
    with cart.hal.world.lock:
        return cart.hal.world.carts[device].assist_light


def test_it_raises_a_request_from_the_cart_button_and_lights_the_cart(
    ada_session, ada_app, staff, ingest_process, server_env, tmp_path
):
    cart = InProcessCart(
        server_env["SMARTCART_MQTT_URL"],
        server_env["SMARTCART_STORE_ID"],
        "cart-001",
        tmp_path / "cart-001.sqlite3",
        SimulatedCart,
    )
    try:
        wait_until(lambda: online("cart-001"), "cart-001 online")

        cart.hal.press_help_button()

        request = wait_until(lambda: HelpRequest.objects.first(), "a help request")
        assert (request.source, request.session_id) == ("cart_button", ada_session.pk)
        assert ada_app.get(help_url(ada_session)).json()["results"][0]["state"] == "open"
        wait_until(lambda: light(cart, "cart-001"), "the assist light on")

        done = send(staff, f"/api/v1/help-requests/{request.pk}/resolve/")

        assert done.status_code == 200
        wait_until(lambda: not light(cart, "cart-001"), "the assist light off")
        assert HelpRequest.objects.count() == 1
    finally:
        cart.stop()
