"""The cart page's command buttons: they queue the commands of onprem.commands, with its guard
for a cart in a shopper's session; the command list shows who sent what."""

from __future__ import annotations

from onprem.commands.models import Command
from onprem.fleet.models import Cart

URL = "/dashboard/carts/cart-001/commands/"


def test_a_button_queues_the_command_as_the_staff_member(store, staff_client):
    response = staff_client.post(URL, {"command": "assist_light", "on": "1"})

    assert response.status_code == 302
    command = Command.objects.get()
    assert (command.command, command.args, command.requested_by, command.state) == (
        "assist_light", {"on": True}, "maria", "queued")
    page = staff_client.get(response["Location"]).content.decode()
    assert "Command assist_light queued for cart-001." in page
    assert "maria" in page


def test_lock_on_a_cart_in_a_session_needs_force(store, staff_client):
    Cart.objects.filter(device_id="cart-001").update(in_session=True)

    refused = staff_client.post(URL, {"command": "lock"})

    assert refused.status_code == 409
    assert "in a shopper&#x27;s session" in refused.content.decode()
    assert not Command.objects.exists()
    assert staff_client.post(URL, {"command": "lock", "force": "1"}).status_code == 302
    assert Command.objects.get().force is True


def test_the_page_asks_before_forcing_lock_on_a_cart_in_use(store, staff_client):
    Cart.objects.filter(device_id="cart-001").update(in_session=True)

    page = staff_client.get("/dashboard/carts/cart-001/").content.decode()

    assert 'name="force" value="1"' in page and "A shopper is using this cart" in page


def test_a_bad_command_is_a_400_with_the_reason(store, staff_client):
    response = staff_client.post(URL, {"command": "self_destruct"})

    assert response.status_code == 400
    assert "a cart has no command" in response.content.decode()
    empty = staff_client.post(URL, {"command": "display_message", "text": "  "})
    assert empty.status_code == 400


def test_commands_to_an_unknown_cart_are_a_404(store, staff_client):
    assert staff_client.post("/dashboard/carts/cart-999/commands/", {"command": "locate"}).status_code == 404
