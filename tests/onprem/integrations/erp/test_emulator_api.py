from __future__ import annotations

import httpx

from smartcart.emulators.erp.catalog import is_valid_ean13

from .conftest import TOKEN


def listing(url: str, path: str, **params) -> httpx.Response:
    return httpx.get(f"{url}{path}", params=params, headers={"Authorization": f"Bearer {TOKEN}"})


def test_it_refuses_requests_without_the_token(erp):
    response = httpx.get(f"{erp.url}/api/v1/products")
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]["message"]


def test_it_explains_bad_query_parameters(erp):
    assert "limit" in listing(erp.url, "/api/v1/products", limit="0").json()["error"]["message"]
    bad_time = listing(erp.url, "/api/v1/stock", updated_since="yesterday")
    assert bad_time.status_code == 400 and "ISO 8601" in bad_time.json()["error"]["message"]


def test_it_serves_a_sample_catalog_with_valid_ean13_barcodes(erp):
    rows = listing(erp.url, "/api/v1/products", limit=500).json()["data"]
    barcodes = [b for row in rows for b in row["codigos_barras"]]
    assert len(rows) == 300
    assert len(barcodes) > 300 and all(is_valid_ean13(b) for b in barcodes)
    assert len(set(barcodes)) == len(barcodes)


def test_it_pages_without_skipping_a_product_changed_mid_listing(erp):
    first = listing(erp.url, "/api/v1/products", limit=100).json()
    erp.change_product(first["data"][10]["codigo"], preco_venda="9.99")  # moves to the end
    seen = [r["codigo"] for r in first["data"]]
    cursor = first["next_cursor"]
    while cursor:
        page = listing(erp.url, "/api/v1/products", limit=100, cursor=cursor).json()
        seen += [r["codigo"] for r in page["data"]]
        cursor = page["next_cursor"]
    assert len(set(seen)) == 300
