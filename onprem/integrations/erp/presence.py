"""The Presence adapter: the ERP's REST API over httpx, with a configurable field map.

Product and stock records arrive in the ERP's field names; FIELD_MAP (ERP name -> ours, a
dotted name reaches into nested objects) turns them into catalog entries. A store whose
Presence install names a field differently overrides just that field with
SMARTCART_ERP_FIELD_MAP (a JSON object, or the path of a file holding one).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx

from onprem.catalog.services import ProductEntry, StockEntry

from .base import (
    ErpConfigError,
    ErpConnector,
    ErpError,
    ErpOrderInfo,
    ErpPermanentError,
    ErpTransientError,
    Invoice,
    OrderDraft,
    Page,
)

log = logging.getLogger(__name__)
DEFAULT_FIELD_MAP = {
    "codigo": "code",
    "descricao": "name",
    "codigos_barras": "barcodes",
    "preco_venda": "price",
    "aliquota_iva": "vat_rate",
    "unidade": "unit",
    "ativo": "active",
    "atualizado_em": "updated_at",
    "quantidade": "quantity",
}
OUR_FIELDS = frozenset(DEFAULT_FIELD_MAP.values())
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}
CENT = Decimal("0.01")


class RecordError(ValueError):
    """One ERP record cannot be read; the sync skips it and reports why."""


def load_field_map(raw: str) -> dict[str, str]:
    """ERP field -> our field: the defaults, each of our fields re-pointed where `raw` says."""
    if not raw.strip():
        return dict(DEFAULT_FIELD_MAP)
    custom = _read_map(raw)
    ours_to_erp = {ours: erp for erp, ours in DEFAULT_FIELD_MAP.items()}
    ours_to_erp.update({ours: erp for erp, ours in custom.items()})
    return {erp: ours for ours, erp in ours_to_erp.items()}


def _read_map(raw: str) -> dict[str, str]:
    text = raw
    if not raw.lstrip().startswith("{"):
        try:
            text = Path(raw).read_text()
        except OSError as exc:
            raise ErpConfigError(
                f"SMARTCART_ERP_FIELD_MAP file {raw!r} cannot be read: {exc.strerror}"
            ) from None
    try:
        custom = json.loads(text)
    except ValueError as exc:
        raise ErpConfigError(f"SMARTCART_ERP_FIELD_MAP is not valid JSON: {exc}") from None
    if not isinstance(custom, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in custom.items()
    ):
        raise ErpConfigError(
            'SMARTCART_ERP_FIELD_MAP must be a JSON object {"erp_field": "our_field", ...}'
        )
    unknown = sorted(set(custom.values()) - OUR_FIELDS)
    if unknown:
        raise ErpConfigError(
            f"SMARTCART_ERP_FIELD_MAP maps to unknown fields {unknown}: ours are {sorted(OUR_FIELDS)}"
        )
    return custom


class PresenceConnector(ErpConnector):
    """Presence REST API v1: bearer token, keyset-paged listings, orders keyed by our order id."""

    def __init__(
        self,
        *,
        base_url: str,
        token: str,
        field_map: dict[str, str] | None = None,
        page_size: int = 200,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.25,
    ) -> None:
        self.target = base_url.rstrip("/")
        self.field_map = field_map or dict(DEFAULT_FIELD_MAP)
        self.page_size, self.retries, self.backoff = page_size, retries, backoff
        self.client = httpx.Client(
            base_url=self.target,
            timeout=timeout,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )

    @classmethod
    def from_settings(cls) -> PresenceConnector:
        from django.conf import settings

        return cls(
            base_url=settings.ERP_URL,
            token=settings.ERP_TOKEN,
            field_map=load_field_map(settings.ERP_FIELD_MAP),
            page_size=settings.ERP_PAGE_SIZE,
            timeout=settings.ERP_TIMEOUT_SECONDS,
        )

    def close(self) -> None:
        self.client.close()

    # -- HTTP: GETs are retried a few times here; a POST never is (the caller reconciles first)

    def request(
        self,
        method: str,
        path: str,
        *,
        retry: bool = True,
        accept: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        attempts = 1 + (self.retries if retry else 0)
        for attempt in range(attempts):
            try:
                response = self.client.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                error: ErpError = ErpTransientError(
                    f"{method} {self.target}{path}: {type(exc).__name__}: {exc}"
                )
            else:
                if response.status_code < 400 or response.status_code in accept:
                    return response
                error = _http_error(method, path, response)
            if isinstance(error, ErpPermanentError) or attempt == attempts - 1:
                raise error
            log.warning("erp transient error, retrying attempt=%d: %s", attempt + 1, error)
            time.sleep(self.backoff * 2**attempt)
        raise AssertionError("unreachable")

    def _json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError:
            raise ErpPermanentError(
                f"the ERP answered {response.request.url} with something that is not JSON",
                excerpt=response.text[:400],
            ) from None

    # -- catalog

    def products(self, *, updated_since: datetime | None = None) -> Iterator[Page[ProductEntry]]:
        return self._pages("/api/v1/products", updated_since, self._product)

    def stock_levels(self, *, updated_since: datetime | None = None) -> Iterator[Page[StockEntry]]:
        return self._pages("/api/v1/stock", updated_since, self._stock)

    def _pages(self, path: str, updated_since: datetime | None, parse: Callable) -> Iterator[Page]:
        params: dict[str, Any] = {"limit": self.page_size}
        if updated_since is not None:
            params["updated_since"] = updated_since.isoformat()
        while True:
            body = self._json(self.request("GET", path, params=params))
            rows = body.get("data") if isinstance(body, dict) else None
            if not isinstance(rows, list):
                raise ErpPermanentError(
                    f"GET {path} answered without a 'data' list", excerpt=str(body)[:400]
                )
            yield _parse_page(rows, parse)
            if not body.get("next_cursor"):
                return
            params["cursor"] = body["next_cursor"]

    def _mapped(self, record: dict) -> dict[str, Any]:
        return {
            ours: _dig(record, erp)
            for erp, ours in self.field_map.items()
            if _dig(record, erp) is not None
        }

    def _erp_name(self, ours: str) -> str:
        return next((erp for erp, o in self.field_map.items() if o == ours), ours)

    def _require(self, values: dict, fields: tuple[str, ...]) -> None:
        missing = [self._erp_name(f) for f in fields if values.get(f) in (None, "")]
        if missing:
            raise RecordError(f"lacks {', '.join(missing)}")

    def _product(self, record: dict) -> ProductEntry:
        v = self._mapped(record)
        self._require(v, ("code", "name", "price", "vat_rate"))
        vat = _decimal(v["vat_rate"], "vat_rate")
        if vat > 100:
            raise RecordError(f"VAT rate {vat} is over 100%")
        return ProductEntry(
            code=str(v["code"]),
            name=str(v["name"])[:200],
            price=_decimal(v["price"], "price"),
            vat_rate=vat,
            unit=str(v.get("unit") or "un")[:8],
            active=_bool(v.get("active", True)),
            barcodes=_barcodes(v.get("barcodes")),
            updated_at=_time(v.get("updated_at")),
        )

    def _stock(self, record: dict) -> StockEntry:
        v = self._mapped(record)
        self._require(v, ("code", "quantity"))
        quantity = _number(v["quantity"], "quantity").quantize(Decimal("0.001"), ROUND_HALF_UP)
        return StockEntry(
            code=str(v["code"]), quantity=quantity, updated_at=_time(v.get("updated_at"))
        )

    # -- orders and invoices

    def post_order(self, draft: OrderDraft) -> ErpOrderInfo:
        body = {
            "pedido_externo": draft.order_id,
            "cliente": draft.customer,
            "itens": [
                {
                    "codigo": line.code,
                    "quantidade": str(line.quantity),
                    "preco_unitario": str(line.unit_price),
                }
                for line in draft.lines
            ],
        }
        response = self.request(
            "POST",
            "/api/v1/orders",
            json=body,
            retry=False,
            headers={"Idempotency-Key": draft.order_id},
        )
        return _order_info(self._json(response))

    def find_order(self, *, order_id: str) -> ErpOrderInfo | None:
        body = self._json(self.request("GET", "/api/v1/orders", params={"external_id": order_id}))
        rows = body.get("data") if isinstance(body, dict) else None
        if not isinstance(rows, list):
            raise ErpPermanentError(
                "GET /api/v1/orders answered without a 'data' list", excerpt=str(body)[:400]
            )
        return _order_info(rows[0]) if rows else None

    def order_status(self, *, erp_ref: str) -> ErpOrderInfo:
        return _order_info(self._json(self.request("GET", f"/api/v1/orders/{erp_ref}")))

    def fetch_invoice(self, *, erp_ref: str) -> Invoice | None:
        response = self.request("GET", f"/api/v1/orders/{erp_ref}/invoice", accept=(409,))
        if response.status_code == 409:
            return None
        return _invoice(self._json(response))


def _http_error(method: str, path: str, response: httpx.Response) -> ErpError:
    message = _erp_message(response)
    where = f"{method} {path} -> HTTP {response.status_code}"
    if response.status_code in TRANSIENT_STATUSES:
        return ErpTransientError(f"{where}: {message}", excerpt=response.text[:400])
    if response.status_code in (401, 403):
        return ErpConfigError(
            f"{where}: the ERP refused the credentials (SMARTCART_ERP_TOKEN): {message}",
            excerpt=response.text[:400],
        )
    return ErpPermanentError(f"{where}: {message}", excerpt=response.text[:400])


def _erp_message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or response.reason_phrase


def _parse_page(rows: list, parse: Callable) -> Page:
    entries, rejected = [], []
    for row in rows:
        try:
            if not isinstance(row, dict):
                raise RecordError("is not a JSON object")
            entries.append(parse(row))
        except RecordError as exc:
            code = row.get("codigo", "?") if isinstance(row, dict) else "?"
            rejected.append(f"{code}: {exc}")
    return Page(entries, rejected)


def _dig(record: dict, dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _number(raw: Any, name: str) -> Decimal:
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise RecordError(f"{name} {raw!r} is not a number") from None
    if not value.is_finite():
        raise RecordError(f"{name} {raw!r} is not a number")
    return value


def _decimal(raw: Any, name: str) -> Decimal:
    value = _number(raw, name)
    if value < 0:
        raise RecordError(f"{name} {raw!r} is negative")
    return value.quantize(CENT, ROUND_HALF_UP)


def _bool(raw: Any) -> bool:
    return (
        raw
        if isinstance(raw, bool)
        else str(raw).strip().lower() in {"1", "true", "s", "sim", "yes", "y"}
    )


def _barcodes(raw: Any) -> tuple[str, ...]:
    codes = raw.split(",") if isinstance(raw, str) else (raw or [])
    cleaned = tuple(str(c).strip() for c in codes if str(c).strip())
    bad = [c for c in cleaned if not (c.isdigit() and 8 <= len(c) <= 14)]
    if bad:
        raise RecordError(f"barcodes {bad} are not 8 to 14 digits (EAN-8, UPC, EAN-13, GTIN-14)")
    return cleaned


def _time(raw: Any) -> datetime | None:
    if raw in (None, ""):
        return None
    try:
        stamp = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        raise RecordError(f"time {raw!r} is not ISO 8601") from None
    if stamp.tzinfo is None:
        raise RecordError(f"time {raw!r} has no time zone")
    return stamp


def _order_info(body: Any) -> ErpOrderInfo:
    try:
        return ErpOrderInfo(
            erp_ref=str(body["numero"]),
            order_id=str(body["pedido_externo"]),
            status=str(body["situacao"]),
            total=Decimal(str(body["total"])),
            invoiced=body["situacao"] == "faturado",
        )
    except (KeyError, TypeError, InvalidOperation):
        raise ErpPermanentError(
            "the ERP's order lacks numero, pedido_externo, situacao or total",
            excerpt=str(body)[:400],
        ) from None


def _invoice(body: Any) -> Invoice:
    try:
        return Invoice(
            number=str(body["numero"]),
            series=str(body.get("serie", "")),
            key=str(body.get("chave", "")),
            issued_at=_time(body.get("emitida_em")),
            total=Decimal(str(body["total"])),
            tax_total=Decimal(str(body.get("total_iva", "0"))),
            raw=body,
        )
    except (KeyError, TypeError, InvalidOperation, RecordError):
        raise ErpPermanentError(
            "the ERP's invoice lacks numero or total", excerpt=str(body)[:400]
        ) from None
