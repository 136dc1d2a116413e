"""The ERP connector interface: what SmartCart needs from any store ERP, and how it fails.

An adapter (presence.py) speaks one ERP's API and returns these types; services.py owns the
flow (cursors, idempotency, recording). Errors split the way retries need them to:
transient (try again later) or permanent (a person must look).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Generic, TypeVar

from onprem.catalog.services import ProductEntry, StockEntry

T = TypeVar("T")


class ErpError(Exception):
    """Any failure talking to the ERP; `excerpt` holds what the ERP answered, if anything."""

    def __init__(self, message: str, *, excerpt: str = "") -> None:
        super().__init__(message)
        self.excerpt = excerpt


class ErpTransientError(ErpError):
    """Timeouts, refused connections, 5xx, 429: the same request may succeed later."""


class ErpPermanentError(ErpError):
    """Bad credentials, a rejected order, a record we cannot map: retrying changes nothing."""


class ErpConfigError(ErpPermanentError):
    """The connector's own configuration (URL, token, field map) is wrong."""


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a listing; `rejected` names records that could not be read, and why."""

    entries: list[T]
    rejected: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class OrderLine:
    code: str
    quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class OrderDraft:
    order_id: str  # SmartCart's id: the ERP keeps it as the external id, the idempotency key
    lines: tuple[OrderLine, ...]
    customer: dict | None = None


@dataclass(frozen=True)
class ErpOrderInfo:
    erp_ref: str
    order_id: str
    status: str
    total: Decimal
    invoiced: bool


@dataclass(frozen=True)
class Invoice:
    number: str
    series: str
    key: str
    issued_at: datetime | None
    total: Decimal
    tax_total: Decimal
    raw: dict


class ErpConnector(ABC):
    """One store ERP. Listings yield pages so a big catalog never sits in memory at once."""

    target: str = ""  # where it points, for logs and the homologation report

    def close(self) -> None:  # noqa: B027 - optional hook: most adapters hold no connections
        """Release connections; the default holds none."""

    def __enter__(self) -> ErpConnector:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @abstractmethod
    def products(self, *, updated_since: datetime | None = None) -> Iterator[Page[ProductEntry]]:
        """Every product changed at or after `updated_since` (all of them when None)."""

    @abstractmethod
    def stock_levels(self, *, updated_since: datetime | None = None) -> Iterator[Page[StockEntry]]:
        """Every stock level changed at or after `updated_since` (all of them when None)."""

    @abstractmethod
    def post_order(self, draft: OrderDraft) -> ErpOrderInfo:
        """Place an order once: one attempt, never retried here (the caller reconciles)."""

    @abstractmethod
    def find_order(self, *, order_id: str) -> ErpOrderInfo | None:
        """The ERP order made from SmartCart's `order_id`, or None if the ERP has none."""

    @abstractmethod
    def order_status(self, *, erp_ref: str) -> ErpOrderInfo:
        """The ERP's current view of one of its orders."""

    @abstractmethod
    def fetch_invoice(self, *, erp_ref: str) -> Invoice | None:
        """The invoice of an order, or None while the ERP has not invoiced it yet."""
