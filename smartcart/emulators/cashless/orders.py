"""Checking purchase and accreditation bodies the way the terminal does, before a job exists.

Every documented form of the accreditation body is accepted (the seed changed it four times):
`fieldChanges` grouped by type (booleanFieldChanges/integerFieldChanges, or the reference's
booleanFields/integerFields), `fieldChanges` as a typed list (BooleanSet, IntegerAbsolute,
IntegerRelative), and the older `fields` list with operation Set/Increment/Decrement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from smartcart.cashless_api.codes import WORKER_TYPES
from smartcart.cashless_api.wire import parse_amount
from smartcart.emulators.cashless.catalog import Catalog
from smartcart.emulators.cashless.faults import ApiFault


@dataclass
class PurchaseOrder:
    payment_type: str
    lines: list[tuple[int, str, Decimal]]  # count, product name, single price
    required_chip: str | None = None

    @property
    def total(self) -> Decimal:
        return sum((count * price for count, _, price in self.lines), Decimal(0))


@dataclass
class Accreditation:
    worker_type: str = "unknown"
    normal_credits: Decimal = Decimal(0)
    pre_gift_credits: Decimal = Decimal(0)
    pure_gift_credits: Decimal = Decimal(0)
    disable_tag_pawn: bool = False
    disable_activation_fee: bool = False
    is_upgrade: bool = True
    boolean_changes: list[tuple[str, bool]] = field(default_factory=list)
    integer_changes: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # key, Absolute|Relative, value
    required_chip: str | None = None


def parse_purchase(body: Any, catalog: Catalog) -> PurchaseOrder:
    body = _object(body)
    payment_type = body.get("paymentType")
    if not isinstance(payment_type, str) or not payment_type:
        raise ApiFault(
            "BadRequest", "paymentType is required: the uuid of a payment type from /api/config/v4"
        )
    known = catalog.payment_type(payment_type)
    if known is None:
        raise ApiFault("PaymentTypeNotFound", f"there is no payment type {payment_type}")
    if known.type != "Cashless":
        raise ApiFault(
            "PaymentTypeNotAllowed", f"payment type {known.name!r} cannot be used for a purchase"
        )
    items = body.get("cartItems")
    if not isinstance(items, list) or not items:
        raise ApiFault("CartInvalid", "cartItems must be a non-empty list")
    lines = [_cart_line(i, item, catalog) for i, item in enumerate(items)]
    return PurchaseOrder(payment_type, lines, _required_chip(body))


def _cart_line(index: int, item: Any, catalog: Catalog) -> tuple[int, str, Decimal]:
    if not isinstance(item, dict):
        raise ApiFault("CartInvalid", f"cartItems[{index}] is not an object")
    count = item.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise ApiFault(
            "CartInvalid", f"cartItems[{index}].count must be a whole number of at least 1"
        )
    price = _amount(
        item.get("singlePrice"), f"cartItems[{index}].singlePrice", catalog, "CartInvalid"
    )
    product = _cart_product(index, item, catalog)
    if product.type == "CustomValueProduct":
        if price <= 0:
            raise ApiFault(
                "CartInvalid", f"cartItems[{index}]: {product.name} needs a singlePrice above 0"
            )
    elif price != product.price_in_credits:
        raise ApiFault(
            "PriceMismatch", f"{product.name} costs {product.price_in_credits}, not {price}"
        )
    return count, product.name, price


def _cart_product(index: int, item: dict, catalog: Catalog):
    key, variant = item.get("productKey"), item.get("variantKey") or ""
    # Before productKey existed, items named the menu item: still understood.
    product = (
        catalog.product(key, variant)
        if key
        else catalog.product_by_id(item.get("menuItemId") or "")
    )
    if product is None:
        raise ApiFault(
            "CartInvalid",
            f"cartItems[{index}]: no product with productKey {key!r} and variantKey {variant!r}",
        )
    return product


def _amount(raw: Any, name: str, catalog: Catalog, code: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ApiFault(code, f'{name} must be an amount as a string, e.g. "2.1"')
    try:
        amount = parse_amount(raw)
    except ValueError:
        raise ApiFault(code, f"{name}={raw!r} is not an amount") from None
    places = catalog.config.decimal_places_credits
    if -amount.as_tuple().exponent > places:
        raise ApiFault(
            "DecimalPlacesMismatch", f"{name}={raw!r} has more than {places} decimal places"
        )
    if amount < 0:
        raise ApiFault(code, f"{name} must not be negative")
    return amount


def parse_accreditation(body: Any, catalog: Catalog) -> Accreditation:
    body = _object(body)
    worker_type = body.get("workerType", "unknown")
    if worker_type not in WORKER_TYPES:
        raise ApiFault("BadRequest", f"workerType must be one of {', '.join(WORKER_TYPES)}")
    order = Accreditation(worker_type=worker_type, required_chip=_required_chip(body))
    for name in ("normalCredits", "preGiftCredits", "pureGiftCredits"):
        if body.get(name) is not None:
            setattr(order, _snake(name), _amount(body[name], name, catalog, "BadRequest"))
    for name in ("disableTagPawn", "disableActivationFee", "isUpgrade"):
        if name in body:
            setattr(order, _snake(name), _boolean(body[name], name))
    _field_changes(body, order, catalog)
    return order


def _field_changes(body: dict, order: Accreditation, catalog: Catalog) -> None:
    changes = body.get("fieldChanges")
    if isinstance(changes, dict):
        grouped_bools = changes.get("booleanFieldChanges", changes.get("booleanFields")) or []
        grouped_ints = changes.get("integerFieldChanges", changes.get("integerFields")) or []
        order.boolean_changes += [
            _bool_change(c) for c in _list(grouped_bools, "booleanFieldChanges")
        ]
        order.integer_changes += [
            _int_change(c) for c in _list(grouped_ints, "integerFieldChanges")
        ]
    elif isinstance(changes, list):
        for change in changes:
            _typed_change(_object(change), order)
    elif changes is not None:
        raise ApiFault(
            "BadRequest",
            "fieldChanges must be an object with booleanFieldChanges and integerFieldChanges",
        )
    for change in _list(body.get("fields") or [], "fields"):
        _operation_change(_object(change), order, catalog)
    _check_fields(order, catalog)


def _bool_change(change: Any) -> tuple[str, bool]:
    change = _object(change)
    if change.get("type", "Set") != "Set":
        raise ApiFault("BadRequest", "a boolean field change has type Set")
    return str(change.get("key")), _boolean(change.get("value"), f"field {change.get('key')}")


def _int_change(change: Any) -> tuple[str, str, int]:
    change = _object(change)
    kind = change.get("type", "Absolute")
    if kind not in ("Absolute", "Relative"):
        raise ApiFault("BadRequest", "an integer field change has type Absolute or Relative")
    return str(change.get("key")), kind, _integer(change.get("value"), f"field {change.get('key')}")


def _typed_change(change: dict, order: Accreditation) -> None:
    kind, key, value = change.get("type"), change.get("key"), change.get("value")
    if kind == "BooleanSet":
        order.boolean_changes.append((str(key), _boolean(value, f"field {key}")))
    elif kind in ("IntegerAbsolute", "IntegerRelative"):
        order.integer_changes.append(
            (str(key), kind.removeprefix("Integer"), _integer(value, f"field {key}"))
        )
    else:
        raise ApiFault(
            "BadRequest",
            f"field change type {kind!r} is not BooleanSet, IntegerAbsolute or IntegerRelative",
        )


def _operation_change(change: dict, order: Accreditation, catalog: Catalog) -> None:
    key, operation = str(change.get("key")), change.get("operation", "Set")
    if key in {d.key for d in catalog.fields.boolean_fields}:
        order.boolean_changes.append((key, _boolean(change.get("value"), f"field {key}")))
        return
    value = _integer(change.get("value"), f"field {key}")
    kinds = {
        "Set": ("Absolute", value),
        "Increment": ("Relative", value),
        "Decrement": ("Relative", -value),
    }
    if operation not in kinds:
        raise ApiFault("BadRequest", f"operation {operation!r} is not Set, Increment or Decrement")
    kind, signed = kinds[operation]
    order.integer_changes.append((key, kind, signed))


def _check_fields(order: Accreditation, catalog: Catalog) -> None:
    booleans = {d.key for d in catalog.fields.boolean_fields}
    integers = {d.key: d for d in catalog.fields.integer_fields}
    for key, _ in order.boolean_changes:
        if key not in booleans:
            raise ApiFault("BadRequest", f"there is no boolean field {key!r}")
    for key, kind, value in order.integer_changes:
        if key not in integers:
            raise ApiFault("BadRequest", f"there is no integer field {key!r}")
        low, high = integers[key].min_value, integers[key].max_value
        if kind == "Absolute" and not low <= value <= high:
            raise ApiFault(
                "BadRequest", f"field {key!r} takes values from {low} to {high}, not {value}"
            )


def _object(body: Any) -> dict:
    if not isinstance(body, dict):
        raise ApiFault("BadRequest", "the request body must be a JSON object")
    return body


def _list(value: Any, name: str) -> list:
    if not isinstance(value, list):
        raise ApiFault("BadRequest", f"{name} must be a list")
    return value


def _boolean(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false", 0, 1):
        return value in ("true", 1)
    raise ApiFault("BadRequest", f"{name} must be true or false")


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ApiFault("BadRequest", f"{name} must be a whole number")
    try:
        return (
            int(value) if isinstance(value, int) or str(value).lstrip("-").isdigit() else int("x")
        )
    except (TypeError, ValueError):
        raise ApiFault("BadRequest", f"{name} must be a whole number") from None


def _required_chip(body: dict) -> str | None:
    chip = body.get("requiredChip")
    if chip is not None and not isinstance(chip, str):
        raise ApiFault("BadRequest", "requiredChip must be a string (a tag number)")
    return chip or None


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)
