"""The nightly task rolls up yesterday (and days a missed night skipped); beat schedules it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from onprem.analytics.models import StoreDay
from onprem.analytics.rollups import store_today
from onprem.analytics.tasks import roll_up_yesterday
from onprem.fleet.models import Cart
from onprem.fleet.services import current_store
from onprem.shopping.choices import SessionState
from onprem.shopping.models import ShoppingSession
from tests.onprem.auth.conftest import person


def _session(shopper, cart, day, hour: int, state=SessionState.ABANDONED) -> ShoppingSession:
    started = timezone.make_aware(datetime.combine(day, time(hour, 15)))
    session = ShoppingSession.objects.create(shopper=shopper, cart=cart, state=state, ended_at=started + timedelta(minutes=12))
    ShoppingSession.objects.filter(pk=session.pk).update(started_at=started)  # auto_now_add set it to now
    return session


def test_it_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["analytics-nightly-rollup"]
    assert entry["task"] == "onprem.analytics.tasks.roll_up_yesterday"
    assert entry["task"] == roll_up_yesterday.name


def test_it_rolls_up_yesterday_and_a_missed_night(db):
    cart = Cart.objects.create(store=current_store(), device_id="cart-001", mqtt_username="cart-001")
    sam, eve = person("sam"), person("eve")
    yesterday = store_today() - timedelta(days=1)
    missed = yesterday - timedelta(days=3)
    _session(sam, cart, yesterday, 10)
    _session(eve, cart, yesterday, 17)
    _session(sam, cart, missed, 18)
    StoreDay.objects.create(day=yesterday - timedelta(days=1), sessions=0)  # that night did run
    done = roll_up_yesterday.delay().get()
    assert done == 6  # yesterday, plus the five other days of the week without a rollup
    row = StoreDay.objects.get(day=yesterday)
    assert (row.sessions, row.abandoned, row.shoppers) == (2, 2, 2)
    assert row.by_hour[10] == 1 and row.by_hour[17] == 1
    assert StoreDay.objects.get(day=missed).returning == 0
    assert StoreDay.objects.get(day=yesterday).returning == 1  # sam came back after 3 days
    assert StoreDay.objects.get(day=yesterday).interval_hist[2] == 1  # the 2–3 day bucket
