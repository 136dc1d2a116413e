"""The BI's tables: each is what a page shows under its chart and exactly what its CSV holds.

A table builder takes a Report and returns a Table: headers, rows, and the chart drawn from
the same numbers (chart labels are translated here, server-side, for the page's JavaScript).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from . import buckets
from .queries import Report
from .rollups import FADE_PCT_PER_CYCLE, REPLACE_BELOW_PCT

TOP_PRODUCTS = 20
TOP_PAIRS = 20


@dataclass
class Table:
    key: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: dict | None = None
    kind: str = "chart"  # or "heatmap": drawn as a coloured grid
    note: str = ""
    cells: list = field(default_factory=list)  # heatmap: rows of (value, alpha)


def percent(part, whole) -> str:
    return "" if not whole else f"{100 * part / whole:.1f}"


def _dataset(label: str, data: list, kind: str = "bar", axis: str = "y") -> dict:
    return {"label": label, "data": data, "kind": kind, "axis": axis}


def adoption(report: Report) -> Table:
    rows = []
    for day in report.days:
        erp = report.erp_orders.get(day.day)
        rows.append([day.day.isoformat(), day.sessions, day.orders, "" if erp is None else erp,
                     percent(day.orders, erp)])
    chart = {
        "labels": [r[0] for r in rows],
        "datasets": [
            _dataset(_("All store orders (ERP)"), [r[3] or 0 for r in rows]),
            _dataset(_("SmartCart orders"), [r[2] for r in rows]),
            _dataset(_("SmartCart share %"), [float(r[4]) if r[4] else None for r in rows], "line", "y2"),
        ],
        "y2": _("Share %"),
    }
    headers = [_("Day"), _("SmartCart sessions"), _("SmartCart orders"), _("All store orders (ERP)"),
               _("SmartCart share %")]
    return Table("adoption", _("Adoption: SmartCart orders among all store orders"), headers, rows, chart)


def heatmap(report: Report) -> Table:
    grid = report.by_weekday_hour()
    peak = max((n for row in grid for n in row), default=0) or 1
    names = [formats.date_format(d, "l") for d in _a_week()]
    rows = [[names[i], *grid[i]] for i in range(7)]
    table = Table("heatmap", _("Sessions by hour of day and weekday"),
                  [_("Weekday"), *[f"{h:02d}" for h in range(24)]], rows, kind="heatmap")
    table.cells = [[names[i], [(n, round(n / peak, 2)) for n in grid[i]]] for i in range(7)]
    return table


def _a_week() -> list[date]:
    monday = date(2024, 1, 1)  # a Monday: weekday() 0 is the grid's first row
    return [monday + timedelta(days=n) for n in range(7)]


def _histogram(report: Report, key: str, field_name: str, spec: buckets.Buckets, title: str,
               axis: str) -> Table:
    counts = report.histogram(field_name) or spec.empty()
    labels = [f"{label} {spec.unit}" for label in spec.labels()]
    total = sum(counts)
    rows = [[label, n, percent(n, total)] for label, n in zip(labels, counts, strict=False)]
    chart = {"labels": labels, "datasets": [_dataset(axis, counts)]}
    return Table(key, title, [title, axis, "%"], rows, chart)


def durations(report: Report) -> Table:
    return _histogram(report, "durations", "duration_hist", buckets.DURATION_MINUTES,
                      _("Session duration"), _("Sessions"))


def basket_sizes(report: Report) -> Table:
    return _histogram(report, "basket-sizes", "size_hist", buckets.BASKET_ITEMS,
                      _("Basket size"), _("Paid baskets"))


def basket_values(report: Report) -> Table:
    return _histogram(report, "basket-values", "value_hist", buckets.BASKET_VALUE,
                      _("Basket value"), _("Paid baskets"))


def return_intervals(report: Report) -> Table:
    return _histogram(report, "return-intervals", "interval_hist", buckets.RETURN_DAYS,
                      _("Days since the shopper's previous visit"), _("Returning sessions"))


def help_and_abandoned(report: Report) -> Table:
    rows = [
        [d.day.isoformat(), d.sessions, d.help_requests, percent(d.help_requests, d.sessions),
         d.abandoned, percent(d.abandoned, d.sessions)]
        for d in report.days
    ]
    chart = {
        "labels": [r[0] for r in rows],
        "datasets": [
            _dataset(_("Help requests per 100 sessions"), [float(r[3]) if r[3] else 0 for r in rows], "line"),
            _dataset(_("Abandoned sessions %"), [float(r[5]) if r[5] else 0 for r in rows], "line"),
        ],
    }
    headers = [_("Day"), _("Sessions"), _("Help requests"), _("Help requests per 100 sessions"),
               _("Abandoned sessions"), _("Abandoned sessions %")]
    return Table("help-abandoned", _("Help requests and abandoned sessions"), headers, rows, chart)


def top_products(report: Report) -> Table:
    top = report.products[:TOP_PRODUCTS]
    names = report.product_names(r["product_id"] for r in top)
    rows = [[i + 1, *names.get(r["product_id"], ("?", "?")), r["baskets"],
             Decimal(r["quantity"]).quantize(Decimal("0.001")), Decimal(r["revenue"]).quantize(Decimal("0.01"))]
            for i, r in enumerate(top)]
    chart = {"labels": [r[2] for r in rows[:10]], "datasets": [_dataset(_("Baskets"), [r[3] for r in rows[:10]])],
             "horizontal": True}
    headers = [_("Rank"), _("Code"), _("Product"), _("Baskets"), _("Quantity"), _("Revenue €")]
    return Table("top-products", _("Top products"), headers, rows, chart)


def pairs(report: Report) -> Table:
    top = report.pairs[:TOP_PAIRS]
    names = report.product_names([p["a"] for p in top] + [p["b"] for p in top])
    paid = report.total("paid")
    rows = [[names.get(p["a"], ("", "?"))[1], names.get(p["b"], ("", "?"))[1], p["baskets"],
             percent(p["baskets"], paid)] for p in top]
    chart = {"labels": [f"{r[0]} + {r[1]}" for r in rows[:10]],
             "datasets": [_dataset(_("Baskets with both"), [r[2] for r in rows[:10]])], "horizontal": True}
    headers = [_("Product"), _("Bought with"), _("Baskets with both"),
               # A header, never %-formatted: without this flag msgfmt reads "% o" as a directive.
               # xgettext:no-python-format
               _("% of paid baskets")]
    return Table("pairs", _("Products bought together"), headers, rows, chart)


def battery(report: Report) -> Table:
    rows = [[b["device_id"], round(b["cycles"], 1), round(b["cycles_total"], 1), round(b["capacity"], 1),
             _("yes") if b["capacity"] < REPLACE_BELOW_PCT else _("no")] for b in report.batteries]
    chart = {"labels": [r[0] for r in rows],
             "datasets": [_dataset(_("Capacity left %"), [r[3] for r in rows])],
             "threshold": REPLACE_BELOW_PCT, "threshold_label": _("Replace below")}
    headers = [_("Cart"), _("Charge cycles in range"), _("Charge cycles since new"), _("Capacity left %"),
               _("Replace")]
    note = _("Capacity is estimated from charge cycles: %(fade)s %% of design capacity per full cycle; "
             "a battery below %(limit)s %% is due for replacement. Up to yesterday: the nightly rollup counts them.") % {
        "fade": FADE_PCT_PER_CYCLE, "limit": int(REPLACE_BELOW_PCT)}
    return Table("battery", _("Battery health per cart"), headers, rows, chart, note=note)


TABLES: dict[str, Callable[[Report], Table]] = {
    "adoption": adoption,
    "heatmap": heatmap,
    "durations": durations,
    "basket-sizes": basket_sizes,
    "basket-values": basket_values,
    "return-intervals": return_intervals,
    "help-abandoned": help_and_abandoned,
    "top-products": top_products,
    "pairs": pairs,
    "battery": battery,
}
