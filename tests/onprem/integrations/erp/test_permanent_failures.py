from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.integrations.erp import services, tasks
from onprem.integrations.erp.base import ErpConfigError, OrderLine
from onprem.integrations.erp.models import ErpOrder, SyncRun


def test_it_reports_refused_credentials_without_retrying(db, erp, settings):
    settings.ERP_TOKEN = "expired-token"
    with pytest.raises(ErpConfigError, match="refused the credentials"):
        tasks.sync_catalog_full.delay().get()
    run = SyncRun.objects.get()  # one run: no retry
    assert (run.status, run.transient) == ("failed", False)
    assert "SMARTCART_ERP_TOKEN" in run.error


def test_it_marks_an_order_the_erp_rejects_as_failed(db, erp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_order(
            order_id="order-bad", lines=[OrderLine("NOPE", Decimal("1"), Decimal("1.00"))]
        )
    order = ErpOrder.objects.get()
    assert order.state == "failed"
    assert "product 'NOPE' does not exist" in order.last_error
    assert erp.orders() == []


def test_it_explains_a_field_map_that_is_not_json(db, erp, settings):
    settings.ERP_FIELD_MAP = "{not json"
    with pytest.raises(ErpConfigError, match="SMARTCART_ERP_FIELD_MAP is not valid JSON"):
        services.sync_catalog(full=False)


def test_it_posts_a_failed_order_once_a_person_requeues_it(
    db, erp, django_capture_on_commit_callbacks
):
    erp.fail_next(1, status=400, path="/api/v1/orders")
    lines = [OrderLine("P00004", Decimal("1"), Decimal("2.00"))]
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_order(order_id="order-again", lines=lines)
    assert ErpOrder.objects.get().state == "failed"
    with django_capture_on_commit_callbacks(execute=True):
        services.requeue_order(order_id="order-again")
    order = ErpOrder.objects.get()
    assert (order.state, order.last_error, len(erp.orders())) == ("posted", "", 1)
    with pytest.raises(services.ErpOrderError, match="only a failed order"):
        services.requeue_order(order_id="order-again")
