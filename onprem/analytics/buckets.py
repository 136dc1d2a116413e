"""Histogram buckets of the BI: edges, and the labels the pages and CSVs show."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Buckets:
    """Buckets split at `edges`: [<e0], [e0, e1), ... [e_last, ∞)."""

    edges: tuple[float, ...]
    unit: object  # a lazily translated unit name
    whole: bool = False  # counts of days or items: label [2, 4) as "2–3"

    def index(self, value: float) -> int:
        return bisect_right(self.edges, value)

    def empty(self) -> list[int]:
        return [0] * (len(self.edges) + 1)

    def labels(self) -> list[str]:
        if self.whole:
            return self._whole_labels()
        edges = [_number(e) for e in self.edges]
        first = [f"< {edges[0]}"]
        middle = [f"{a}–{b}" for a, b in zip(edges, edges[1:], strict=False)]
        return first + middle + [f"≥ {edges[-1]}"]


    def _whole_labels(self) -> list[str]:
        bounds = [0, *(int(e) for e in self.edges)]
        spans = [(a, b - 1) for a, b in zip(bounds, bounds[1:], strict=False)]
        return [str(a) if a == b else f"{a}–{b}" for a, b in spans] + [f"≥ {bounds[-1]}"]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


DURATION_MINUTES = Buckets((5, 10, 15, 20, 30, 45, 60), _("min"))
BASKET_ITEMS = Buckets((1, 6, 11, 16, 21, 31), _("items"), whole=True)
BASKET_VALUE = Buckets((10, 25, 50, 75, 100, 150), "€")
RETURN_DAYS = Buckets((1, 2, 4, 8, 15, 31, 61), _("days"), whole=True)


def add_into(total: list[int], counts: list[int]) -> list[int]:
    """Element-wise sum; a shorter or empty list (an old row) counts as zeros."""
    if len(total) < len(counts):
        total = total + [0] * (len(counts) - len(total))
    for i, n in enumerate(counts):
        total[i] += n
    return total
