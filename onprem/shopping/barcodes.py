"""What a scanned barcode says: check digits, and the weight or price a store's scale prints.

A scale in the store prints an EAN-13 of GS1's in-store prefix 2: `2T IIIII VVVVV C`, the
item in digits 3-7, a value in digits 8-12 and the check digit last. T 0-7: the value is the
weight in grams; T 8-9: the value is the price in cents. The catalog knows such a product by
its barcode with the value zeroed (and the check digit recomputed): `2T IIIII 00000 C`.

Pure functions: no database, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

GTIN_LENGTHS = (8, 12, 13, 14)
GRAMS_PER_KG = Decimal(1000)
CENTS_PER_EURO = Decimal(100)


class BadBarcode(ValueError):
    """A barcode that cannot have been printed (bad check digit, empty label): API 400."""


def check_digit(digits: str) -> str:
    """The GS1 check digit of a GTIN's leading digits (weights 3, 1, 3, ... from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return str((10 - total % 10) % 10)


def with_check_digit(digits: str) -> str:
    return digits + check_digit(digits)


def has_valid_check_digit(code: str) -> bool:
    """Whether a GTIN-8/12/13/14 ends in the check digit of the digits before it."""
    return code.isdigit() and len(code) in GTIN_LENGTHS and check_digit(code[:-1]) == code[-1]


def is_weighed(code: str) -> bool:
    """An in-store EAN-13 printed by a scale (prefix 2)."""
    return len(code) == 13 and code.isdigit() and code[0] == "2"


@dataclass(frozen=True)
class WeighedLabel:
    lookup_code: str  # the product's barcode in the catalog: the value zeroed
    grams: int | None  # T 0-7
    price: Decimal | None  # T 8-9, euros

    @property
    def kilograms(self) -> Decimal | None:
        return None if self.grams is None else Decimal(self.grams) / GRAMS_PER_KG


def weighed_barcode(prefix7: str, value: int) -> str:
    """A scale's label: the first seven digits (`2T IIIII`), a value of five digits, check."""
    if not (len(prefix7) == 7 and prefix7.isdigit() and prefix7[0] == "2"):
        raise ValueError(f"a weighed label starts with 2 and seven digits, not {prefix7!r}")
    if not 0 <= value <= 99999:
        raise ValueError(f"a label's value has five digits, not {value}")
    return with_check_digit(f"{prefix7}{value:05d}")


def parse_weighed(code: str) -> WeighedLabel:
    """The label a scale printed; BadBarcode if it cannot be one."""
    if not is_weighed(code):
        raise BadBarcode(f"{code} is not a weighed item's barcode (13 digits starting with 2)")
    if not has_valid_check_digit(code):
        raise BadBarcode(f"barcode {code} has a wrong check digit: it was misread or mistyped")
    value = int(code[7:12])
    lookup = weighed_barcode(code[:7], 0)
    if code[1] in "89":
        if value == 0:
            raise BadBarcode(f"barcode {code} carries a price of zero")
        return WeighedLabel(lookup_code=lookup, grams=None, price=Decimal(value) / CENTS_PER_EURO)
    if value == 0:
        raise BadBarcode(f"barcode {code} carries a weight of zero")
    return WeighedLabel(lookup_code=lookup, grams=value, price=None)
