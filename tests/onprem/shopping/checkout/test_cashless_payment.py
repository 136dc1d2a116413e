from __future__ import annotations

from decimal import Decimal

from onprem.commands.models import Command
from onprem.integrations.erp.models import ErpOrder
from onprem.shopping.models import Order, ShoppingSession

from .conftest import BASKET_TOTAL

TAG = "04AA000000777"


def test_it_charges_the_basket_total_when_a_tag_pays(app, visit, terminal, erp):
    started = app.checkout(visit.id)
    assert started.status_code == 202
    assert started.json()["state"] == "waiting_for_tag"
    assert started.json()["amount"] == str(BASKET_TOTAL)

    terminal.present(tagNr=TAG, normalCredits="50.00")
    payment = app.settled(visit.id)

    assert payment["state"] == "paid" and payment["order"]
    assert terminal.credits(TAG) == Decimal("50.00") - BASKET_TOTAL  # charged to the cent
    assert [job["status"] for job in terminal.jobs()] == ["Success"]
    order = Order.objects.get(pk=payment["order"])
    assert order.total == BASKET_TOTAL and order.number.startswith("store-001-")
    assert ShoppingSession.objects.get(pk=visit.id).state == "paid"


def test_it_releases_and_thanks_the_cart(app, visit, terminal):
    app.checkout(visit.id)
    terminal.present(tagNr=TAG, normalCredits="50.00")
    assert app.settled(visit.id)["state"] == "paid"

    visit.cart.refresh_from_db()
    assert visit.cart.in_session is False
    said = Command.objects.filter(device_id=visit.cart.device_id, command="display_message")
    assert "Thank you!" in [command.args["text"] for command in said]


def test_it_posts_the_order_to_the_erp_with_the_same_total(app, visit, terminal, erp):
    app.checkout(visit.id)
    terminal.present(tagNr=TAG, normalCredits="50.00")
    order_id = app.settled(visit.id)["order"]

    receipt = app.call("GET", f"/api/v1/shopper/orders/{order_id}/").json()
    [posted] = erp.orders()
    assert posted["pedido_externo"] == receipt["number"]
    assert Decimal(posted["total"]) == Decimal(receipt["total"]) == BASKET_TOTAL
    assert receipt["erp_state"] == "posted"
    assert receipt["invoice_number"] == ErpOrder.objects.get().invoice_number != ""
    assert [line["product_code"] for line in receipt["lines"]] == [
        "P00001",
        "P00002",
        "P00005",
        "P00006",
    ]
