"""The BI pages: which tables each shows, and the headline figures above them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import tables
from .queries import Report
from .rollups import REPLACE_BELOW_PCT


@dataclass(frozen=True)
class Page:
    key: str  # the URL name
    title: object
    tables: tuple[str, ...]
    cards: Callable[[Report], list[tuple[str, str]]]


def _avg(total, count, digits: int = 1) -> str:
    return "–" if not count else f"{total / count:.{digits}f}"


def overview_cards(r: Report) -> list[tuple[str, str]]:
    # The share counts only days the ERP's total is known for: a missing day must not dilute it.
    erp = sum(r.erp_orders[d.day] for d in r.days if d.day in r.erp_orders)
    paid_known = sum(d.orders for d in r.days if d.day in r.erp_orders)
    return [
        (_("SmartCart sessions"), str(r.total("sessions"))),
        (_("SmartCart orders"), str(r.total("orders"))),
        (_("Share of all store orders"), f"{tables.percent(paid_known, erp) or '–'} %"),
        (_("Shoppers"), str(r.shoppers[0])),
    ]


def basket_cards(r: Report) -> list[tuple[str, str]]:
    return [
        (_("Average session"), _("%(value)s min") % {"value": _avg(r.total("duration_seconds") / 60, r.total("ended"))}),
        (_("Average basket size"), _("%(value)s items") % {"value": _avg(r.total("items"), r.total("paid"))}),
        (_("Average basket value"), f"€ {_avg(r.total('value'), r.total('paid'), 2)}"),
    ]


def shopper_cards(r: Report) -> list[tuple[str, str]]:
    shoppers, repeat = r.shoppers
    returning = r.total("returning")
    return [
        (_("Shoppers"), str(shoppers)),
        (_("Repeat shoppers (2+ visits)"), f"{repeat} ({tables.percent(repeat, shoppers) or '–'} %)"),
        (_("Visits by returning shoppers"), f"{tables.percent(returning, r.total('sessions')) or '–'} %"),
        (_("Average return interval"), _("%(value)s days") % {"value": _avg(r.total("interval_days"), returning)}),
    ]


def service_cards(r: Report) -> list[tuple[str, str]]:
    sessions = r.total("sessions")
    return [
        (_("Help requests per 100 sessions"), tables.percent(r.total("help_requests"), sessions) or "–"),
        (_("Abandoned sessions"), f"{r.total('abandoned')} ({tables.percent(r.total('abandoned'), sessions) or '–'} %)"),
    ]


def product_cards(r: Report) -> list[tuple[str, str]]:
    return [(_("Products bought"), str(len(r.products))), (_("Paid baskets"), str(r.total("paid")))]


def battery_cards(r: Report) -> list[tuple[str, str]]:
    carts = r.batteries
    due = sum(1 for b in carts if b["capacity"] < REPLACE_BELOW_PCT)
    return [
        (_("Carts reporting"), str(len(carts))),
        (_("Average capacity left"), f"{_avg(sum(b['capacity'] for b in carts), len(carts))} %"),
        (_("Carts to replace"), str(due)),
    ]


PAGES = (
    Page("overview", gettext_lazy("Adoption"), ("adoption", "heatmap"), overview_cards),
    Page("baskets", gettext_lazy("Sessions and baskets"), ("durations", "basket-sizes", "basket-values"),
         basket_cards),
    Page("shoppers", gettext_lazy("Shoppers"), ("return-intervals",), shopper_cards),
    Page("service", gettext_lazy("Help and abandonment"), ("help-abandoned",), service_cards),
    Page("products", gettext_lazy("Products"), ("top-products", "pairs"), product_cards),
    Page("battery", gettext_lazy("Battery health"), ("battery",), battery_cards),
)
PAGE_BY_KEY = {p.key: p for p in PAGES}
