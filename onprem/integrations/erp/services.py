"""Verbs of the ERP integration: sync the catalog and stock, post orders once, fetch invoices.

HTTP never runs inside a database transaction: each page is applied in its own transaction
(onprem.catalog.services), and order state is written before and after the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from onprem.catalog import services as catalog

from .base import (
    ErpConnector,
    ErpError,
    ErpOrderInfo,
    ErpPermanentError,
    ErpTransientError,
    OrderDraft,
    OrderLine,
    Page,
)
from .models import ErpOrder, SyncKind, SyncRun, SyncState
from .presence import PresenceConnector

log = logging.getLogger(__name__)
REJECTED_KEPT = 200  # a broken field map rejects every row: keep enough to see why, not all


class ErpOrderError(ValueError):
    """An order SmartCart asked to post is malformed or conflicts with one already queued."""


class InvoiceNotReady(ErpTransientError):
    """The ERP has the order but has not invoiced it yet: ask again later."""


def open_connector() -> ErpConnector:
    """The configured store ERP (settings.ERP_*)."""
    return PresenceConnector.from_settings()


# -- catalog and stock


def sync_catalog(*, full: bool) -> SyncRun:
    """Bring products, barcodes and prices in line with the ERP: all of them, or changes since last time.

    A full sync also withdraws products the ERP no longer lists, and refreshes every stock level.
    """
    run = _sync(
        SyncKind.PRODUCTS,
        full,
        lambda erp, since: erp.products(updated_since=since),
        catalog.apply_products,
    )
    if full:
        sync_stock(full=True)
    return run


def sync_stock(*, full: bool = False) -> SyncRun:
    """Bring stock levels in line with the ERP (changes since the last stock sync unless `full`)."""
    return _sync(
        SyncKind.STOCK,
        full,
        lambda erp, since: erp.stock_levels(updated_since=since),
        catalog.apply_stock_levels,
    )


def _sync(
    kind: str,
    full: bool,
    fetch: Callable[[ErpConnector, datetime | None], Iterator[Page]],
    apply: Callable,
) -> SyncRun:
    state, _ = SyncState.objects.get_or_create(kind=kind)
    since = None if full else state.cursor
    run = SyncRun.objects.create(kind=kind, full=full)
    changes, seen, newest = catalog.CatalogChanges(), set(), since
    try:
        with open_connector() as erp:
            for page in fetch(erp, since):
                changes.add(apply(entries=page.entries))
                changes.skipped += page.rejected
                seen |= {e.code for e in page.entries} | {r.split(":", 1)[0] for r in page.rejected}
                newest = _newest(newest, page.entries)
    except ErpError as exc:
        _finish(run, changes, error=exc)
        raise
    if full and kind == SyncKind.PRODUCTS:
        catalog.deactivate_missing(seen_codes=seen)
    _advance(state, newest, full)
    return _finish(run, changes)


def _newest(current: datetime | None, entries: list) -> datetime | None:
    stamps = [e.updated_at for e in entries if e.updated_at] + ([current] if current else [])
    return max(stamps, default=None)


def _advance(state: SyncState, newest: datetime | None, full: bool) -> None:
    # Only after the whole listing is applied: a sync that dies mid-way starts again from the
    # old cursor, and re-applying a page changes nothing.
    state.cursor = newest or state.cursor
    if full:
        state.last_full_at = timezone.now()
    state.save(update_fields=["cursor", "last_full_at"])


def _finish(
    run: SyncRun, changes: catalog.CatalogChanges, *, error: ErpError | None = None
) -> SyncRun:
    run.created, run.updated, run.unchanged = changes.created, changes.updated, changes.unchanged
    run.rejected, run.rejected_count = changes.skipped[:REJECTED_KEPT], len(changes.skipped)
    run.status = SyncRun.Status.FAILED if error else SyncRun.Status.OK
    run.error = str(error) if error else ""
    run.transient = isinstance(error, ErpTransientError)
    run.finished_at = timezone.now()
    run.save()
    log_level = logging.ERROR if error and not run.transient else logging.INFO
    log.log(
        log_level,
        "erp sync kind=%s full=%s status=%s created=%d updated=%d unchanged=%d rejected=%d error=%s",
        run.kind,
        run.full,
        run.status,
        run.created,
        run.updated,
        run.unchanged,
        len(changes.skipped),
        run.error,
    )
    return run


# -- orders


def queue_order(*, order_id: str, lines: list[OrderLine], customer: dict | None = None) -> ErpOrder:
    """Record an order for the ERP and post it once the caller's transaction commits.

    Queuing the same order id again returns the first record (and posts nothing more); the
    same id with different lines is refused.
    """
    wanted = _order_lines(order_id, lines)
    from . import tasks  # tasks import services: import here, not at module load

    with transaction.atomic():
        order, created = ErpOrder.objects.get_or_create(
            order_id=order_id, defaults={"lines": wanted, "customer": customer}
        )
        if not created and order.lines != wanted:
            raise ErpOrderError(f"order {order_id} was already queued with different lines")
        if created:
            transaction.on_commit(lambda: tasks.post_erp_order.delay(order.pk))
    return order


def _order_lines(order_id: str, lines: list[OrderLine]) -> list[dict]:
    if not order_id or len(order_id) > 64:
        raise ErpOrderError("an order id is 1 to 64 characters")
    if not lines:
        raise ErpOrderError(f"order {order_id} has no lines")
    bad = [line.code for line in lines if line.quantity <= 0 or line.unit_price < 0]
    if bad:
        raise ErpOrderError(
            f"order {order_id}: lines {bad} need a positive quantity and a non-negative price"
        )
    return [
        {"code": x.code, "quantity": str(x.quantity), "unit_price": str(x.unit_price)}
        for x in lines
    ]


def post_order(*, order_id: str) -> ErpOrder:
    """Make sure the ERP has this order exactly once, and record its reference.

    Already posted: nothing is sent. A previous POST whose answer never came (timeout, 503
    after the ERP applied it, a crash) may have landed, so before sending again we ask the ERP
    for the order by our id — the guard that holds even if the ERP ignores idempotency keys.
    """
    order = ErpOrder.objects.get(order_id=order_id)
    if order.state == ErpOrder.State.POSTED:
        return order
    try:
        with open_connector() as erp:
            info = erp.find_order(order_id=order_id) if order.attempts else None
            if info is None:
                _claim_attempt(order)
                info = erp.post_order(_draft(order))
    except ErpPermanentError as exc:
        _record_failure(order, exc, permanent=True)
        raise
    except ErpTransientError as exc:
        _record_failure(order, exc, permanent=False)
        raise
    return _record_posted(order, info)


def _draft(order: ErpOrder) -> OrderDraft:
    lines = tuple(
        OrderLine(x["code"], Decimal(x["quantity"]), Decimal(x["unit_price"])) for x in order.lines
    )
    return OrderDraft(order_id=order.order_id, lines=lines, customer=order.customer)


def _claim_attempt(order: ErpOrder) -> None:
    # Counted before the POST leaves: if the answer is lost, the next try knows to look first.
    # The conditional UPDATE also stops two workers from posting the same attempt.
    claimed = ErpOrder.objects.filter(
        pk=order.pk, attempts=order.attempts, state=ErpOrder.State.PENDING
    ).update(attempts=F("attempts") + 1)
    if not claimed:
        raise ErpTransientError(f"order {order.order_id} is being posted by another worker")
    order.attempts += 1


def _record_failure(order: ErpOrder, exc: ErpError, *, permanent: bool) -> None:
    fields = {"last_error": str(exc)[:2000]}
    if permanent:
        fields["state"] = ErpOrder.State.FAILED
    ErpOrder.objects.filter(pk=order.pk, state=ErpOrder.State.PENDING).update(**fields)
    log.log(
        logging.ERROR if permanent else logging.WARNING,
        "erp order=%s attempt=%d %s: %s",
        order.order_id,
        order.attempts,
        "rejected" if permanent else "failed, will retry",
        exc,
    )


def give_up_order(*, order_id: str, reason: str) -> ErpOrder:
    """Stop retrying an order (retries exhausted); it stays failed until a person looks."""
    ErpOrder.objects.filter(order_id=order_id, state=ErpOrder.State.PENDING).update(
        state=ErpOrder.State.FAILED, last_error=reason[:2000]
    )
    log.error("erp order=%s given up: %s", order_id, reason)
    return ErpOrder.objects.get(order_id=order_id)


def _record_posted(order: ErpOrder, info: ErpOrderInfo) -> ErpOrder:
    with transaction.atomic():
        order = ErpOrder.objects.select_for_update().get(pk=order.pk)
        order.state, order.erp_ref, order.erp_status, order.total = (
            ErpOrder.State.POSTED,
            info.erp_ref,
            info.status,
            info.total,
        )
        order.posted_at, order.last_error = timezone.now(), ""
        order.save()
    log.info(
        "erp order=%s posted erp_ref=%s status=%s attempts=%d",
        order.order_id,
        info.erp_ref,
        info.status,
        order.attempts,
    )
    return order


def fetch_invoice(*, order_id: str) -> ErpOrder:
    """Store the ERP's invoice for a posted order; InvoiceNotReady while the ERP has none yet."""
    order = ErpOrder.objects.get(order_id=order_id)
    if order.state != ErpOrder.State.POSTED:
        raise ErpOrderError(
            f"order {order_id} is {order.state}: only a posted order has an invoice"
        )
    if order.invoice_number:
        return order
    with open_connector() as erp:
        invoice = erp.fetch_invoice(erp_ref=order.erp_ref)
    if invoice is None:
        raise InvoiceNotReady(f"order {order_id} ({order.erp_ref}) is not invoiced yet")
    order.invoice_number, order.invoice_key, order.invoice_total = (
        invoice.number,
        invoice.key,
        invoice.total,
    )
    order.invoice_issued_at, order.invoice = invoice.issued_at, invoice.raw
    order.save(
        update_fields=[
            "invoice_number",
            "invoice_key",
            "invoice_total",
            "invoice_issued_at",
            "invoice",
        ]
    )
    log.info("erp order=%s invoice=%s total=%s", order_id, invoice.number, invoice.total)
    return order


def requeue_order(*, order_id: str) -> ErpOrder:
    """Send a failed order to the ERP again, once a person has fixed what made it fail."""
    from . import tasks

    with transaction.atomic():
        order = ErpOrder.objects.select_for_update().get(order_id=order_id)
        if order.state != ErpOrder.State.FAILED:
            raise ErpOrderError(
                f"order {order_id} is {order.state}: only a failed order can be requeued"
            )
        order.state = ErpOrder.State.PENDING
        order.save(update_fields=["state"])
        transaction.on_commit(lambda: tasks.post_erp_order.delay(order.pk))
    log.info("erp order=%s requeued after: %s", order_id, order.last_error)
    return order
