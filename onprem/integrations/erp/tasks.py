"""Celery tasks of the ERP integration: each takes ids, calls one service, retries only transients.

Transient errors (ERP down, 5xx, timeouts, invoice not ready) retry with exponential backoff
and jitter; permanent ones are already recorded by the service (SyncRun, ErpOrder) and end
the task as failed, without retry.
"""

from __future__ import annotations

import logging
import random

from celery import Task, shared_task

from . import services
from .base import ErpTransientError

log = logging.getLogger(__name__)
MAX_RETRIES = 8
BACKOFF_SECONDS = 5
BACKOFF_CAP_SECONDS = 600


def backoff(retries: int) -> float:
    """5 s, 10 s, 20 s ... capped at 10 min, with full jitter so a store's tasks don't stampede."""
    return random.uniform(0, min(BACKOFF_CAP_SECONDS, BACKOFF_SECONDS * 2**retries))


def _retry(task: Task, exc: ErpTransientError) -> None:
    log.warning("erp task=%s transient failure retry=%d: %s", task.name, task.request.retries, exc)
    raise task.retry(exc=exc, countdown=backoff(task.request.retries), max_retries=MAX_RETRIES)


@shared_task(bind=True)
def sync_catalog_full(self: Task) -> dict:
    """Nightly: every product, barcode, price and stock level."""
    return _sync(self, lambda: services.sync_catalog(full=True))


@shared_task(bind=True)
def sync_catalog_incremental(self: Task) -> dict:
    """Every few minutes: products changed since the last sync."""
    return _sync(self, lambda: services.sync_catalog(full=False))


@shared_task(bind=True)
def sync_stock(self: Task) -> dict:
    """Every minute: stock levels changed since the last stock sync."""
    return _sync(self, lambda: services.sync_stock(full=False))


def _sync(task: Task, action) -> dict:
    try:
        run = action()
    except ErpTransientError as exc:
        _retry(task, exc)
    return {
        "run": run.pk,
        "created": run.created,
        "updated": run.updated,
        "rejected": run.rejected_count,
    }


@shared_task(bind=True)
def post_erp_order(self: Task, erp_order_id: int) -> str:
    """Post one queued order (ErpOrder id) to the ERP, then fetch its invoice."""
    order = services.ErpOrder.objects.get(pk=erp_order_id)
    try:
        order = services.post_order(order_id=order.order_id)
    except ErpTransientError as exc:
        if self.request.retries >= MAX_RETRIES:
            services.give_up_order(
                order_id=order.order_id, reason=f"gave up after {MAX_RETRIES} retries: {exc}"
            )
            raise
        _retry(self, exc)
    fetch_erp_invoice.delay(order.pk)
    return order.erp_ref


@shared_task(bind=True)
def fetch_erp_invoice(self: Task, erp_order_id: int) -> str:
    """Store the invoice of a posted order (ErpOrder id), asking again until the ERP has made it."""
    order = services.ErpOrder.objects.get(pk=erp_order_id)
    try:
        return services.fetch_invoice(order_id=order.order_id).invoice_number
    except ErpTransientError as exc:
        _retry(self, exc)
        raise  # unreachable: _retry raises
