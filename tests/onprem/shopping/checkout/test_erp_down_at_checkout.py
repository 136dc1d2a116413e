"""The ERP is down when the shopper pays: the payment stands, the order is kept, and it reaches
the ERP once the ERP is back (the connector's retry, driven here by running its task again).

Real commits (transactional_db): with no worker, the ERP post runs right after the paying
transaction commits and fails there; what the shopper sees must not change.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.integrations.erp import tasks
from onprem.integrations.erp.models import ErpOrder
from onprem.shopping.models import Order
from tests.conftest import free_port

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_completes_the_checkout_and_posts_the_order_when_the_erp_is_back(
    app, visit, terminal, erp, settings
):
    erp_url, settings.ERP_URL = settings.ERP_URL, f"http://127.0.0.1:{free_port()}"  # down
    app.checkout(visit.id)
    terminal.present(tagNr="04AA000000061", normalCredits="50")
    payment = app.settled(visit.id)

    assert payment["state"] == "paid"
    order = Order.objects.get(pk=payment["order"])
    receipt = app.call("GET", f"/api/v1/shopper/orders/{order.pk}/").json()
    assert (receipt["erp_state"], receipt["invoice_number"]) == ("pending", None)
    assert erp.orders() == []

    settings.ERP_URL = erp_url  # the ERP is back
    tasks.post_erp_order.delay(ErpOrder.objects.get(order_id=order.number).pk)

    [posted] = erp.orders()
    assert posted["pedido_externo"] == order.number
    assert Decimal(posted["total"]) == order.total == Decimal("13.16")
    receipt = app.call("GET", f"/api/v1/shopper/orders/{order.pk}/").json()
    assert receipt["erp_state"] == "posted" and receipt["invoice_number"]
