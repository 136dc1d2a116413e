"""The emulator's sample catalog: a few hundred supermarket products, generated the same every time.

Records use the ERP's own field names (Portuguese, as Presence does); the connector's field
map translates them to ours. EAN-13 barcodes carry valid check digits. Products sold by weight (kg) also carry the
in-store barcode a scale prints for them with the value zeroed (`21 IIIII 00000 C`, IIIII the
product's number): a label `21 IIIII VVVVV C` weighs VVVVV grams.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal
from pathlib import Path

# (family, unit, VAT rate %, price range) — enough variety for mapping and rounding to matter.
FAMILIES = [
    ("Leite", "un", "6.00", (0.59, 1.49)),
    ("Iogurte", "un", "6.00", (0.35, 2.20)),
    ("Queijo", "kg", "6.00", (6.90, 24.90)),
    ("Pão", "un", "6.00", (0.15, 3.50)),
    ("Maçã", "kg", "6.00", (1.19, 3.99)),
    ("Banana", "kg", "6.00", (0.89, 1.79)),
    ("Arroz", "un", "6.00", (0.99, 3.49)),
    ("Massa", "un", "6.00", (0.59, 2.99)),
    ("Azeite", "un", "13.00", (3.99, 12.90)),
    ("Vinho", "un", "13.00", (2.49, 29.90)),
    ("Café", "un", "23.00", (1.99, 8.99)),
    ("Chocolate", "un", "23.00", (0.79, 4.99)),
    ("Detergente", "un", "23.00", (1.49, 7.99)),
    ("Champô", "un", "23.00", (1.99, 9.49)),
    ("Água", "un", "6.00", (0.19, 1.29)),
]
BRANDS = [
    "Serra",
    "Aurora",
    "Vale Verde",
    "Mimosa",
    "Ribeira",
    "Sol Nascente",
    "Planalto",
    "Atlântico",
]
STOCK_EPOCH = "2026-01-01T00:00:00.000000+00:00"


def ean13_check_digit(first12: str) -> str:
    """The EAN-13 check digit of twelve digits (weights 1,3,1,3,... from the left)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == code[12]


def ean13(rng: random.Random) -> str:
    first12 = "560" + "".join(
        str(rng.randrange(10)) for _ in range(9)
    )  # 560: Portugal's GS1 prefix
    return first12 + ean13_check_digit(first12)


def weighed_barcode(n: int) -> str:
    """The in-store EAN-13 a scale prints for product n, its value zeroed: how the catalog
    knows a product sold by weight (no random draw: the rest of the catalog stays the same)."""
    first12 = f"21{n % 100000:05d}00000"
    return first12 + ean13_check_digit(first12)


def sample_products(count: int = 300, seed: int = 2) -> list[dict]:
    """`count` products with one or two barcodes each, prices, VAT rates and stock."""
    rng = random.Random(seed)
    seen: set[str] = set()
    return [_product(rng, n, seen) for n in range(1, count + 1)]


def _product(rng: random.Random, n: int, seen: set[str]) -> dict:
    family, unit, vat, (low, high) = FAMILIES[n % len(FAMILIES)]
    barcodes = []
    while len(barcodes) < (2 if n % 7 == 0 else 1):
        code = ean13(rng)
        if code not in seen:
            seen.add(code)
            barcodes.append(code)
    if unit == "kg":  # a scale's label names it: 21 IIIII VVVVV C (weight in grams), value 0 here
        barcodes.append(weighed_barcode(n))
    return {
        "codigo": f"P{n:05d}",
        "descricao": f"{family} {rng.choice(BRANDS)} {n}",
        "codigos_barras": barcodes,
        "preco_venda": str(Decimal(str(rng.uniform(low, high))).quantize(Decimal("0.01"))),
        "aliquota_iva": vat,
        "unidade": unit,
        "ativo": True,
        "quantidade": rng.randrange(0, 200),
    }


def load_catalog(path: Path) -> list[dict]:
    """Products from a JSON file: a list of records shaped like `sample_products()`'s."""
    try:
        records = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ValueError(f"catalog {path} cannot be read as JSON: {exc}") from exc
    if not isinstance(records, list) or not all(
        isinstance(r, dict) and "codigo" in r for r in records
    ):
        raise ValueError(f"catalog {path} must be a JSON list of products, each with a 'codigo'")
    return records
