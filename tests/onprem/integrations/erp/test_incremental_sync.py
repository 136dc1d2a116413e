from __future__ import annotations

from decimal import Decimal

from onprem.catalog.models import PriceChange, Product
from onprem.integrations.erp import services, tasks


def test_it_updates_exactly_the_product_whose_price_changed(db, erp):
    services.sync_catalog(full=True)
    before = dict(Product.objects.values_list("code", "synced_at"))
    erp.change_product("P00042", preco_venda="4.44")
    result = tasks.sync_catalog_incremental.delay().get()
    assert (result["created"], result["updated"]) == (0, 1)
    assert Product.objects.get(code="P00042").price == Decimal("4.44")
    after = dict(Product.objects.values_list("code", "synced_at"))
    assert [code for code in after if after[code] != before[code]] == ["P00042"]
    assert PriceChange.objects.get().new_price == Decimal("4.44")


def test_it_reads_only_changes_since_the_last_sync(db, erp):
    services.sync_catalog(full=True)
    erp.change_product("P00010", descricao="Leite Novo 1L")
    erp.change_product("P00011", preco_venda="2.00")
    run = services.sync_catalog(full=False)
    assert (
        run.created + run.updated + run.unchanged <= 3
    )  # the two changes, and maybe the cursor's own row
    assert run.updated == 2
    assert Product.objects.get(code="P00010").name == "Leite Novo 1L"
