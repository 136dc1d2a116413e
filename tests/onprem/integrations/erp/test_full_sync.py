from __future__ import annotations

from onprem.catalog.models import Barcode, Product, StockLevel
from onprem.catalog.services import find_by_barcode
from onprem.integrations.erp import services
from onprem.integrations.erp.models import SyncRun, SyncState


def test_it_mirrors_the_whole_catalog_with_barcodes_prices_and_stock(db, erp):
    run = services.sync_catalog(full=True)
    assert (run.status, run.created, run.rejected) == ("ok", 300, [])
    assert Product.objects.count() == 300 and StockLevel.objects.count() == 300
    assert Barcode.objects.count() > 300
    erp_product = erp.call("GET", "/api/v1/products/P00007")
    product = find_by_barcode(code=erp_product["codigos_barras"][1])
    assert (product.code, str(product.price)) == ("P00007", erp_product["preco_venda"])
    assert SyncState.objects.get(kind="products").cursor is not None


def test_it_changes_nothing_when_a_full_sync_finds_nothing_new(db, erp):
    services.sync_catalog(full=True)
    again = services.sync_catalog(full=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 300)
    assert SyncRun.objects.filter(kind="stock", updated=0, unchanged=300).exists()


def test_it_withdraws_products_the_erp_deactivates(db, erp):
    services.sync_catalog(full=True)
    erp.change_product("P00003", ativo=False)
    services.sync_catalog(full=False)
    assert not Product.objects.get(code="P00003").active
    assert Product.objects.filter(active=True).count() == 299
