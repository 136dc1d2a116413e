"""Seed 002's scripted homologation of the ERP connector: every integration step, in order.

It walks the connector against the configured test ERP (settings.ERP_*) — credentials,
catalog (full and incremental), stock, order (post, repeat, find, status) and invoice — and
checks what comes back. It writes nothing to the store's database: only the test ERP sees a
test order (its id starts with HOMOLOG-).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings

from onprem.catalog.services import ProductEntry, StockEntry
from onprem.integrations.report import Homologation

from .base import ErpConfigError, ErpConnector, ErpOrderInfo, OrderDraft, OrderLine
from .presence import PresenceConnector, load_field_map

INVOICE_WAIT_SECONDS = 10.0


class StepFailed(AssertionError):
    """What the ERP answered is not what the integration needs."""


@dataclass
class Walk:
    """What earlier steps learnt, for the steps after them."""

    erp: ErpConnector
    products: list[ProductEntry] = field(default_factory=list)
    stock: dict[str, StockEntry] = field(default_factory=dict)
    draft: OrderDraft | None = None
    order: ErpOrderInfo | None = None


def run() -> Homologation:
    report = Homologation(integration="erp", target=settings.ERP_URL)
    erp = report.step("configuration: field map and connector", _connector)
    if erp is None:
        return report
    with erp:
        walk = Walk(erp)
        for name, action in STEPS:
            report.step(name, lambda action=action: action(walk))
    return report


def _connector() -> tuple[dict, PresenceConnector]:
    erp = PresenceConnector.from_settings()
    return {"url": settings.ERP_URL, "field_map": load_field_map(settings.ERP_FIELD_MAP)}, erp


def _needs(value: object, what: str) -> None:
    if not value:
        raise StepFailed(f"cannot run: {what} failed earlier")


def wrong_token_refused(walk: Walk) -> tuple:
    stranger = PresenceConnector(
        base_url=settings.ERP_URL, token=f"wrong-{uuid.uuid4().hex}", retries=0
    )
    with stranger:
        try:
            next(stranger.products())
        except ErpConfigError as exc:
            return "GET /api/v1/products with a wrong token", f"refused as expected: {exc}"
    raise StepFailed("the ERP accepted a wrong token: its API is open to anyone")


def authenticate(walk: Walk) -> tuple:
    response = walk.erp.request("GET", "/api/v1/products", params={"limit": 1})
    return "GET /api/v1/products?limit=1", {"status": response.status_code, "body": response.json()}


def catalog_full(walk: Walk) -> tuple:
    pages = list(walk.erp.products())
    rejected = [r for p in pages for r in p.rejected]
    walk.products = [e for p in pages for e in p.entries]
    if rejected:
        raise StepFailed(f"{len(rejected)} products cannot be mapped, e.g. {rejected[:5]}")
    if not walk.products:
        raise StepFailed("the ERP lists no products")
    _check_unique(walk.products)
    summary = {
        "products": len(walk.products),
        "pages": len(pages),
        "active": sum(p.active for p in walk.products),
        "barcodes": sum(len(p.barcodes) for p in walk.products),
        "first": walk.products[0],
    }
    return "GET /api/v1/products (every page)", summary


def _check_unique(products: list[ProductEntry]) -> None:
    codes = [p.code for p in products]
    barcodes = [b for p in products for b in p.barcodes]
    if len(set(codes)) != len(codes):
        raise StepFailed("the listing repeats product codes: its paging is unstable")
    if len(set(barcodes)) != len(barcodes):
        raise StepFailed("one barcode names two products: a scan would be ambiguous")


def catalog_incremental(walk: Walk) -> tuple:
    _needs(walk.products, "the full catalog listing")
    stamps = [p.updated_at for p in walk.products if p.updated_at]
    if not stamps:
        raise StepFailed("products carry no update time: incremental sync is impossible")
    since = max(stamps)
    changed = [e for page in walk.erp.products(updated_since=since) for e in page.entries]
    if not changed or len(changed) >= len(walk.products) > 1:
        raise StepFailed(
            f"updated_since={since.isoformat()} returned {len(changed)} of {len(walk.products)} products"
        )
    if any(e.updated_at and e.updated_at < since for e in changed):
        raise StepFailed("updated_since returned products changed before it")
    return f"GET /api/v1/products?updated_since={since.isoformat()}", {"changed": len(changed)}


def stock_full(walk: Walk) -> tuple:
    _needs(walk.products, "the full catalog listing")
    pages = list(walk.erp.stock_levels())
    walk.stock = {e.code: e for p in pages for e in p.entries}
    rejected = [r for p in pages for r in p.rejected]
    unknown = sorted(set(walk.stock) - {p.code for p in walk.products})
    if rejected or unknown:
        raise StepFailed(
            f"stock rows unreadable {rejected[:5]} or for unknown products {unknown[:5]}"
        )
    return "GET /api/v1/stock (every page)", {
        "levels": len(walk.stock),
        "in_stock": sum(s.quantity > 0 for s in walk.stock.values()),
    }


def order_post(walk: Walk) -> tuple:
    _needs(walk.products, "the full catalog listing")
    sellable = [
        p
        for p in walk.products
        if p.active and walk.stock.get(p.code, StockEntry(p.code, 0)).quantity > 0
    ]
    if len(sellable) < 2:
        raise StepFailed("fewer than two active products in stock to order")
    stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    lines = tuple(OrderLine(p.code, 1, p.price) for p in sellable[:2])
    walk.draft = OrderDraft(order_id=f"HOMOLOG-{stamp}-{uuid.uuid4().hex[:6]}", lines=lines)
    walk.order = walk.erp.post_order(walk.draft)
    expected = sum(line.unit_price for line in lines)
    if walk.order.total != expected or walk.order.order_id != walk.draft.order_id:
        raise StepFailed(
            f"order total {walk.order.total} (expected {expected}) or id {walk.order.order_id} differs"
        )
    return walk.draft, walk.order


def order_repeat(walk: Walk) -> tuple:
    _needs(walk.order, "posting the order")
    again = walk.erp.post_order(walk.draft)
    if again.erp_ref != walk.order.erp_ref:
        raise StepFailed(
            f"posting {walk.draft.order_id} twice made two ERP orders: {walk.order.erp_ref}, {again.erp_ref}"
        )
    return f"POST /api/v1/orders again with pedido_externo={walk.draft.order_id}", again


def order_find(walk: Walk) -> tuple:
    _needs(walk.order, "posting the order")
    found = walk.erp.find_order(order_id=walk.draft.order_id)
    if found is None or found.erp_ref != walk.order.erp_ref:
        raise StepFailed(f"searching by SmartCart id {walk.draft.order_id} found {found}")
    return f"GET /api/v1/orders?external_id={walk.draft.order_id}", found


def order_status(walk: Walk) -> tuple:
    _needs(walk.order, "posting the order")
    return f"GET /api/v1/orders/{walk.order.erp_ref}", walk.erp.order_status(
        erp_ref=walk.order.erp_ref
    )


def invoice(walk: Walk) -> tuple:
    _needs(walk.order, "posting the order")
    deadline = time.monotonic() + INVOICE_WAIT_SECONDS
    while (found := walk.erp.fetch_invoice(erp_ref=walk.order.erp_ref)) is None:
        if time.monotonic() > deadline:
            raise StepFailed(
                f"order {walk.order.erp_ref} not invoiced within {INVOICE_WAIT_SECONDS:.0f} s"
            )
        time.sleep(0.5)
    if found.total != walk.order.total:
        raise StepFailed(f"invoice total {found.total} differs from the order's {walk.order.total}")
    return f"GET /api/v1/orders/{walk.order.erp_ref}/invoice", found.raw


STEPS = [
    ("credentials: a wrong token is refused", wrong_token_refused),
    ("credentials: the configured token is accepted", authenticate),
    ("catalog: full listing maps every product", catalog_full),
    ("catalog: incremental listing (updated_since)", catalog_incremental),
    ("stock: full listing", stock_full),
    ("order: post", order_post),
    ("order: a repeat returns the same ERP order", order_repeat),
    ("order: find by SmartCart order id", order_find),
    ("order: status", order_status),
    ("invoice: fetch for the order", invoice),
]
