from __future__ import annotations

from decimal import Decimal

from onprem.catalog.models import Product
from onprem.integrations.erp import services, tasks
from onprem.integrations.erp.base import OrderLine
from onprem.integrations.erp.models import ErpOrder, SyncRun


def test_it_rides_out_a_brief_erp_outage_inside_one_sync(db, erp):
    erp.fail_next(2, status=503)
    run = services.sync_catalog(full=True)
    assert run.status == "ok" and Product.objects.count() == 300


def test_it_retries_the_task_when_the_erp_stays_down_longer(db, erp):
    erp.fail_next(4, status=502)  # more than the connector's three attempts
    result = tasks.sync_catalog_incremental.delay().get()
    assert result["created"] == 300
    runs = list(
        SyncRun.objects.filter(kind="products").order_by("id").values_list("status", "transient")
    )
    assert runs == [("failed", True), ("ok", False)]


def test_it_retries_an_order_post_that_timed_out_at_the_gateway(
    db, erp, django_capture_on_commit_callbacks
):
    erp.fail_next(1, status=504, path="/api/v1/orders")
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_order(
            order_id="order-retry", lines=[OrderLine("P00009", Decimal("1"), Decimal("0.99"))]
        )
    order = ErpOrder.objects.get()
    assert (order.state, order.attempts, order.last_error) == ("posted", 2, "")
    assert len(erp.orders()) == 1
