from __future__ import annotations

from decimal import Decimal

from onprem.catalog.models import StockLevel
from onprem.integrations.erp import services, tasks


def test_it_brings_in_stock_levels_changed_in_the_erp(db, erp):
    services.sync_catalog(full=True)
    erp.set_stock("P00005", 17)
    erp.set_stock("P00006", 0)
    result = tasks.sync_stock.delay().get()
    assert result["updated"] == 2
    levels = dict(
        StockLevel.objects.filter(product__code__in=["P00005", "P00006"]).values_list(
            "product__code", "quantity"
        )
    )
    assert levels == {"P00005": Decimal("17.000"), "P00006": Decimal("0.000")}


def test_it_skips_and_reports_stock_for_unknown_products(db, erp):
    run = services.sync_stock(full=True)  # no catalog synced yet
    run.refresh_from_db()
    assert run.status == "ok" and run.created == 0
    assert run.rejected_count == 300 and "no such product" in run.rejected[0]
