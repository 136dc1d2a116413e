from __future__ import annotations

import json
from decimal import Decimal

import pytest

from onprem.catalog.models import Product
from onprem.integrations.erp import services
from onprem.integrations.erp.base import ErpConfigError


def test_it_reports_records_it_cannot_map_with_the_default_fields(db, renamed_erp):
    run = services.sync_catalog(full=False)
    assert run.created == 0
    assert run.rejected == [
        "R1: lacks descricao, preco_venda",
        "R2: lacks descricao, preco_venda",
        "R3: lacks descricao, preco_venda",
    ]


def test_it_reads_renamed_and_nested_fields_through_a_field_map_file(
    db, renamed_erp, settings, tmp_path
):
    mapping = tmp_path / "fields.json"
    mapping.write_text(json.dumps({"nome": "name", "preco.venda": "price"}))
    settings.ERP_FIELD_MAP = str(mapping)
    run = services.sync_catalog(full=True)
    assert (run.created, run.rejected) == (3, [])
    product = Product.objects.get(code="R2")
    assert (product.name, product.price, product.stock.quantity) == (
        "Produto 2",
        Decimal("2.50"),
        Decimal("2"),
    )


def test_it_refuses_a_map_to_a_field_we_do_not_have(db, erp, settings):
    settings.ERP_FIELD_MAP = '{"nome": "title"}'
    with pytest.raises(ErpConfigError, match=r"unknown fields \['title'\]"):
        services.sync_catalog(full=True)
