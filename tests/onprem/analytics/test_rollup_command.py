"""manage.py rollup_analytics rolls up one day, every day since one, or yesterday."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from onprem.analytics.models import StoreDay
from onprem.analytics.rollups import store_today


def test_it_rolls_up_one_day(db, capsys):
    day = store_today() - timedelta(days=10)
    call_command("rollup_analytics", "--date", day.isoformat())
    assert list(StoreDay.objects.values_list("day", flat=True)) == [day]
    assert "rolled up 1 day(s)" in capsys.readouterr().out


def test_it_rolls_up_every_day_since_one(db):
    since = store_today() - timedelta(days=5)
    call_command("rollup_analytics", "--since", since.isoformat())
    assert StoreDay.objects.count() == 5


def test_it_rolls_up_yesterday_by_default(db):
    call_command("rollup_analytics")
    assert StoreDay.objects.get().day == store_today() - timedelta(days=1)


def test_it_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="not a date"):
        call_command("rollup_analytics", "--date", "31/12/2025")
