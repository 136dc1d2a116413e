"""Histogram buckets of the BI: edges, and the labels the pages and CSVs show."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass


@dataclass(frozen=True)
class Buckets:
    """Buckets split at `edges`: [<e0], [e0, e1), ... [e_last, ∞)."""

    edges: tuple[float, ...]
    unit: str

    def index(self, value: float) -> int:
        return bisect_right(self.edges, value)

    def empty(self) -> list[int]:
        return [0] * (len(self.edges) + 1)

    def labels(self) -> list[str]:
        edges = [_number(e) for e in self.edges]
        first = [f"< {edges[0]}"]
        middle = [f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)]
        return first + middle + [f"≥ {edges[-1]}"]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


DURATION_MINUTES = Buckets((5, 10, 15, 20, 30, 45, 60), "min")
BASKET_ITEMS = Buckets((1, 6, 11, 16, 21, 31), "items")
BASKET_VALUE = Buckets((10, 25, 50, 75, 100, 150), "€")
RETURN_DAYS = Buckets((1, 2, 4, 8, 15, 31, 61), "days")


def add_into(total: list[int], counts: list[int]) -> list[int]:
    """Element-wise sum; a shorter or empty list (an old row) counts as zeros."""
    if len(total) < len(counts):
        total = total + [0] * (len(counts) - len(total))
    for i, n in enumerate(counts):
        total[i] += n
    return total
