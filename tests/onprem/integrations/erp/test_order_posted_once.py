from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.integrations.erp import services
from onprem.integrations.erp.base import OrderLine
from onprem.integrations.erp.models import ErpOrder

LINES = [
    OrderLine("P00001", Decimal("2"), Decimal("1.10")),
    OrderLine("P00002", Decimal("1"), Decimal("3.00")),
]


def queue(captured, order_id: str = "order-1", lines=LINES) -> ErpOrder:
    with captured(execute=True):
        return services.queue_order(order_id=order_id, lines=lines)


def test_it_posts_an_order_queued_twice_once(db, erp, django_capture_on_commit_callbacks):
    queue(django_capture_on_commit_callbacks)
    queue(django_capture_on_commit_callbacks)
    services.post_order(order_id="order-1")
    assert [o["pedido_externo"] for o in erp.orders()] == ["order-1"]
    order = ErpOrder.objects.get()
    assert (order.state, order.erp_ref, order.total) == (
        "posted",
        erp.orders()[0]["numero"],
        Decimal("5.20"),
    )
    assert order.invoice_total == Decimal("5.20") and order.invoice_number


def test_it_posts_once_when_the_first_answer_was_lost_after_the_erp_applied_it(
    db, erp, django_capture_on_commit_callbacks
):
    erp.configure(honour_idempotency=False)  # an ERP that ignores the key: our guard alone holds
    erp.fail_next(1, after_apply=True, path="/api/v1/orders")
    order = queue(django_capture_on_commit_callbacks, "order-lost")
    order.refresh_from_db()
    assert len(erp.orders()) == 1
    assert (order.state, order.attempts, order.erp_ref) == ("posted", 1, erp.orders()[0]["numero"])


def test_it_refuses_the_same_order_id_with_different_lines(
    db, erp, django_capture_on_commit_callbacks
):
    queue(django_capture_on_commit_callbacks, "order-2")
    with pytest.raises(services.ErpOrderError, match="different lines"):
        queue(django_capture_on_commit_callbacks, "order-2", LINES[:1])
    assert len(erp.orders()) == 1
