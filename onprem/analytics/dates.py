"""The date range a BI page or CSV covers: ?from=YYYY-MM-DD&to=YYYY-MM-DD, or a preset."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from .rollups import store_today

PRESET_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
MAX_DAYS = 731  # two years: further back, rollups may have been pruned and pages slow down


class BadRange(ValueError):
    """A range the user asked for that cannot be shown; the message says why."""


@dataclass(frozen=True)
class DateRange:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def query(self) -> str:
        return f"from={self.first.isoformat()}&to={self.last.isoformat()}"

    def each_day(self):
        for n in range(self.days):
            yield self.first + timedelta(days=n)


def last_days(days: int, *, today: date | None = None) -> DateRange:
    today = today or store_today()
    return DateRange(today - timedelta(days=days - 1), today)


def parse_range(params) -> DateRange:
    """The range in the query string; the last 30 days when it names none."""
    raw_from, raw_to = params.get("from", "").strip(), params.get("to", "").strip()
    today = store_today()
    last = _parse(raw_to, "to") if raw_to else today
    first = _parse(raw_from, "from") if raw_from else last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise BadRange(_("The start date %(first)s is after the end date %(last)s.") % {
            "first": first.isoformat(), "last": last.isoformat()})
    if last > today:
        raise BadRange(_("The end date %(last)s is in the future.") % {"last": last.isoformat()})
    if (last - first).days + 1 > MAX_DAYS:
        raise BadRange(_("A range covers at most %(days)d days.") % {"days": MAX_DAYS})
    return DateRange(first, last)


def _parse(raw: str, name: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRange(
            _("“%(value)s” is not a date for “%(name)s”: use YYYY-MM-DD.") % {"value": raw, "name": name}
        ) from None
