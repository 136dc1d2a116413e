"""What the emulated terminal sells and knows: config, menu, products, fields, images, tags.

Loaded from a JSON file (`sample_data.json` ships with the package); a broken file stops the
emulator at start with a sentence naming what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from smartcart.cashless_api.models import (
    DeviceConfig,
    FieldDefinition,
    MenuNode,
    MenuProduct,
    NfcTag,
)
from smartcart.cashless_api.wire import format_amount

SAMPLE_DATA = Path(__file__).with_name("sample_data.json")


class CatalogError(ValueError):
    """The data file cannot be used."""


@dataclass
class Image:
    content_type: str
    content: bytes


@dataclass
class Catalog:
    config: DeviceConfig
    menu: list[MenuNode]
    products: list[MenuProduct]
    fields: FieldDefinition
    images: dict[str, Image]
    default_variants: dict[str, str] = field(default_factory=dict)  # productKey -> variantKey
    tags: list[NfcTag] = field(default_factory=list)

    def product(self, product_key: str, variant_key: str) -> MenuProduct | None:
        if variant_key == "":
            variant_key = self.default_variants.get(product_key, "")
        return next(
            (
                p
                for p in self.products
                if (p.product_key, p.variant_key) == (product_key, variant_key)
            ),
            None,
        )

    def product_by_id(self, product_id: str) -> MenuProduct | None:
        return next((p for p in self.products if p.id == product_id), None)

    def payment_type(self, payment_type_id: str):
        return next((t for t in self.config.payment_types if t.id == payment_type_id), None)

    def format_credits(self, amount: Decimal) -> str:
        return self._format(amount, self.config.decimal_places_credits, self.config.credit_symbol)

    def format_currency(self, amount: Decimal) -> str:
        return self._format(
            amount, self.config.decimal_places_currency, self.config.currency_symbol
        )

    def _format(self, amount: Decimal, places: int, symbol: str) -> str:
        return f"{amount:.{places}f}".replace(".", self.config.decimal_separator) + symbol


def load_catalog(path: Path = SAMPLE_DATA) -> Catalog:
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read data file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(f"data file {path} is not JSON: {exc}") from exc
    try:
        return _build(raw)
    except (KeyError, TypeError, ValueError, binascii.Error) as exc:
        raise CatalogError(f"data file {path} is not usable: {type(exc).__name__}: {exc}") from exc


def _build(raw: dict) -> Catalog:
    for key in ("config", "menu", "products", "fields"):
        if key not in raw:
            raise KeyError(f"the data file needs a {key!r} section")
    catalog = Catalog(
        config=DeviceConfig.from_wire(raw["config"]),
        menu=[MenuNode.from_wire(node) for node in raw["menu"]],
        products=[MenuProduct.from_wire(p) for p in raw["products"]],
        fields=FieldDefinition.from_wire(raw["fields"]),
        images={key: _image(value) for key, value in raw.get("images", {}).items()},
        tags=[NfcTag.from_wire(tag) for tag in raw.get("tags", [])],
    )
    for raw_product, product in zip(raw["products"], catalog.products, strict=True):
        if raw_product.get("default") or product.product_key not in catalog.default_variants:
            catalog.default_variants[product.product_key] = product.variant_key
        product.price_in_credits_formatted = catalog.format_credits(product.price_in_credits)
        product.price_in_currency_formatted = catalog.format_currency(product.price_in_currency)
    return catalog


def _image(value: dict) -> Image:
    return Image(
        value.get("contentType", "image/png"), base64.b64decode(value["base64"], validate=True)
    )


def price_text(amount: Decimal) -> str:
    """priceInCredits/priceInCurrency: "always formatted with a decimal point", e.g. "3.2"."""
    text = format_amount(amount)
    return text if "." in text else text + ".0"
