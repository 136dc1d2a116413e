"""What the emulated ERP holds: products, stock, orders, invoices and the faults tests ask for.

One lock guards everything: the server is threaded, and the emulator is small enough that
serialising requests costs nothing measurable.
"""

from __future__ import annotations

import base64
import copy
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
PRODUCT_FIELDS = ("descricao", "codigos_barras", "preco_venda", "aliquota_iva", "unidade", "ativo")


class ErpRejection(ValueError):
    """The ERP refuses a request; `status` is the HTTP status it answers with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


@dataclass
class Fault:
    status: int
    after_apply: bool  # the ERP does the work, then the answer is lost: the hard case for retries
    path_contains: str


def encode_cursor(key: tuple[str, str]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        stamp, code = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return str(stamp), str(code)
    except (ValueError, TypeError) as exc:
        raise ErpRejection(
            400, "bad_cursor", f"cursor {cursor!r} is not one this ERP issued"
        ) from exc


def money(value: object, what: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ErpRejection(422, "invalid", f"{what} {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise ErpRejection(422, "invalid", f"{what} {value!r} must be a non-negative number")
    return amount


class ErpState:
    """The ERP's books. Every change stamps `atualizado_em` from a strictly increasing clock."""

    def __init__(self, products: list[dict]) -> None:
        self._initial = copy.deepcopy(products)
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self._last_stamp = datetime.now(UTC)
            self.products: dict[str, dict] = {}
            self.stock: dict[str, dict] = {}
            for record in copy.deepcopy(self._initial):
                self._load(record)
            self.orders: dict[str, dict] = {}
            self.invoices: dict[str, dict] = {}
            self.faults: list[Fault] = []
            self.honour_idempotency = True
            self.auto_invoice = True

    def _load(self, record: dict) -> None:
        code = str(record["codigo"])
        stamp = self._stamp()
        quantity = record.pop("quantidade", 0)
        self.products[code] = {**record, "codigo": code, "atualizado_em": stamp}
        self.stock[code] = {"codigo": code, "quantidade": str(quantity), "atualizado_em": stamp}

    def _stamp(self) -> str:
        now = datetime.now(UTC)
        self._last_stamp = max(now, self._last_stamp + timedelta(microseconds=1))
        return self._last_stamp.isoformat(timespec="microseconds")

    # -- listings (keyset pages: a row changed mid-listing moves to the end, never skips one)

    def page(
        self, kind: str, *, updated_since: str | None, cursor: str | None, limit: int
    ) -> tuple[list, str | None]:
        with self._lock:
            rows = sorted(
                self._table(kind).values(), key=lambda r: (r["atualizado_em"], r["codigo"])
            )
        if updated_since:
            rows = [r for r in rows if r["atualizado_em"] >= updated_since]
        if cursor:
            after = decode_cursor(cursor)
            rows = [r for r in rows if (r["atualizado_em"], r["codigo"]) > after]
        page = copy.deepcopy(rows[:limit])
        more = len(rows) > limit
        return page, encode_cursor(
            (page[-1]["atualizado_em"], page[-1]["codigo"])
        ) if more else None

    def _table(self, kind: str) -> dict[str, dict]:
        return self.products if kind == "products" else self.stock

    def product(self, code: str) -> dict:
        with self._lock:
            if code not in self.products:
                raise ErpRejection(404, "not_found", f"product {code} does not exist")
            return copy.deepcopy(self.products[code])

    # -- control (what a back-office user would change in the ERP)

    def change_product(self, code: str, changes: dict) -> dict:
        unknown = set(changes) - set(PRODUCT_FIELDS)
        if unknown:
            raise ErpRejection(
                422, "invalid", f"unknown product fields: {', '.join(sorted(unknown))}"
            )
        if "preco_venda" in changes:
            changes["preco_venda"] = str(
                money(changes["preco_venda"], "preco_venda").quantize(CENT)
            )
        with self._lock:
            if code not in self.products:
                raise ErpRejection(404, "not_found", f"product {code} does not exist")
            self.products[code].update(changes, atualizado_em=self._stamp())
            return copy.deepcopy(self.products[code])

    def change_stock(self, code: str, quantity: object) -> dict:
        amount = money(quantity, "quantidade")
        with self._lock:
            if code not in self.stock:
                raise ErpRejection(404, "not_found", f"product {code} does not exist")
            self.stock[code].update(quantidade=str(amount), atualizado_em=self._stamp())
            return copy.deepcopy(self.stock[code])

    def add_fault(self, fault: Fault, count: int) -> None:
        with self._lock:
            self.faults.extend([fault] * count)

    def take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self.faults):
                if fault.path_contains in path:
                    return self.faults.pop(i)
        return None

    # -- orders and invoices

    def all_orders(self) -> list[dict]:
        with self._lock:
            return copy.deepcopy(list(self.orders.values()))

    def find_order(self, external_id: str) -> dict | None:
        with self._lock:
            found = [o for o in self.orders.values() if o["pedido_externo"] == external_id]
        return copy.deepcopy(found[0]) if found else None

    def place_order(self, body: dict) -> tuple[dict, bool]:
        """Record an order; returns (order, created). A repeated external id returns the first."""
        external_id, lines = _order_fields(body)
        with self._lock:
            if self.honour_idempotency:
                for order in self.orders.values():
                    if order["pedido_externo"] == external_id:
                        return copy.deepcopy(order), False
            items = [self._order_line(line) for line in lines]  # all checked before any is applied
            for item in items:
                self._take_stock(item)
            order = self._new_order(external_id, items, body.get("cliente"))
            if self.auto_invoice:
                self._invoice(order)
            return copy.deepcopy(order), True

    def _order_line(self, line: dict) -> dict:
        code = str(line.get("codigo", ""))
        if code not in self.products:
            raise ErpRejection(
                422, "unknown_product", f"product {code!r} does not exist in the ERP"
            )
        quantity = money(line.get("quantidade"), f"quantidade of {code}")
        price = money(line.get("preco_unitario"), f"preco_unitario of {code}")
        if quantity == 0:
            raise ErpRejection(422, "invalid", f"quantidade of {code} must be more than zero")
        total = (quantity * price).quantize(CENT, ROUND_HALF_UP)
        return {
            "codigo": code,
            "quantidade": str(quantity),
            "preco_unitario": str(price),
            "total": str(total),
            "aliquota_iva": self.products[code]["aliquota_iva"],
        }

    def _take_stock(self, item: dict) -> None:
        level = self.stock[item["codigo"]]
        level.update(
            quantidade=str(Decimal(level["quantidade"]) - Decimal(item["quantidade"])),
            atualizado_em=self._stamp(),
        )

    def _new_order(self, external_id: str, items: list[dict], customer: object) -> dict:
        number = f"PV{len(self.orders) + 1:06d}"
        total = sum((Decimal(i["total"]) for i in items), Decimal("0"))
        order = {
            "numero": number,
            "pedido_externo": external_id,
            "situacao": "recebido",
            "itens": items,
            "total": str(total),
            "cliente": customer,
            "criado_em": self._stamp(),
        }
        self.orders[number] = order
        return order

    def invoice_order(self, number: str) -> dict:
        with self._lock:
            order = self._order(number)
            if order["situacao"] != "faturado":
                self._invoice(order)
            return copy.deepcopy(self.invoices[number])

    def _invoice(self, order: dict) -> None:
        seq = len(self.invoices) + 1
        tax = sum((_vat_included(i) for i in order["itens"]), Decimal("0"))
        self.invoices[order["numero"]] = {
            "numero": f"{seq:09d}",
            "serie": "1",
            "chave": f"{35_2611_0000_0000 + seq:044d}",
            "pedido": order["numero"],
            "pedido_externo": order["pedido_externo"],
            "emitida_em": self._stamp(),
            "total": order["total"],
            "total_iva": str(tax),
            "itens": order["itens"],
        }
        order["situacao"] = "faturado"

    def order(self, number: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._order(number))

    def _order(self, number: str) -> dict:
        if number not in self.orders:
            raise ErpRejection(404, "not_found", f"order {number} does not exist")
        return self.orders[number]

    def invoice(self, number: str) -> dict:
        with self._lock:
            order = self._order(number)
            if number not in self.invoices:
                raise ErpRejection(
                    409, "not_invoiced", f"order {number} is {order['situacao']}, not invoiced yet"
                )
            return copy.deepcopy(self.invoices[number])


def _vat_included(item: dict) -> Decimal:
    """VAT inside a VAT-inclusive line total (shelf prices include VAT)."""
    total, rate = Decimal(item["total"]), Decimal(item["aliquota_iva"]) / 100
    return (total - total / (1 + rate)).quantize(CENT, ROUND_HALF_UP)


def _order_fields(body: dict) -> tuple[str, list[dict]]:
    external_id = body.get("pedido_externo")
    if not isinstance(external_id, str) or not external_id.strip():
        raise ErpRejection(422, "invalid", "pedido_externo (the platform's order id) is required")
    lines = body.get("itens")
    if not isinstance(lines, list) or not lines or not all(isinstance(x, dict) for x in lines):
        raise ErpRejection(
            422, "invalid", "itens must be a non-empty list of {codigo, quantidade, preco_unitario}"
        )
    return external_id.strip(), lines
