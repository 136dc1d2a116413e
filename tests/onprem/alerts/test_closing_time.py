"""Carts not back in a rack at closing time: the beat task (and `manage.py check_closing_time`)
raises one alert per cart out of its rack, once per evening; docking clears it, from ingest
at once."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from onprem.alerts import tasks
from onprem.alerts.models import AlertRule
from onprem.alerts.services import resolve
from onprem.fleet.services import current_store

from .conftest import alerts, cart_body, ingest, rack_body, telemetry

DOCK = {"rack": "rack-01", "slot": 1}


def local(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(2026, 11, 24, hour, minute))


def test_after_closing_each_cart_out_of_a_rack_raises_one_alert(fleet):
    ingest(telemetry(cart_body("cart-001", seq=1, dock=DOCK)))
    AlertRule.objects.create(store=current_store(), closing_time=time(20, 30))

    call_command("check_closing_time", "--at", "2026-11-24T20:00")
    assert alerts("not_docked") == []

    call_command("check_closing_time", "--at", "2026-11-24T20:31")
    call_command("check_closing_time", "--at", "2026-11-24T20:45")

    assert sorted(a.device_id for a in alerts("not_docked")) == ["cart-002", "cart-003"]
    assert {a.state for a in alerts("not_docked")} == {"open"}


def test_the_beat_task_raises_them_and_says_how_many(fleet):
    AlertRule.objects.create(store=current_store(), closing_time=time(0, 0))  # always after closing

    assert tasks.check_closing_time.delay().get() == {"raised": 3, "cleared": 0}
    assert tasks.check_closing_time.delay().get() == {"raised": 0, "cleared": 0}


def test_a_store_that_switched_the_rule_off_gets_none(fleet):
    AlertRule.objects.create(store=current_store(), closing_time=time(0, 0), closing_enabled=False)

    assert tasks.check_closing_time.delay().get()["raised"] == 0


def test_docking_clears_the_alert_from_ingest(fleet):
    from onprem.alerts.closing import check_closing_time

    check_closing_time(now=local(21, 5))

    ingest(telemetry(cart_body("cart-002", seq=1, dock=DOCK)))
    ingest(telemetry(rack_body(seq=1, slots=[(1, None, 0.0), (2, "cart-003", 2.0)])))

    states = {a.device_id: a.state for a in alerts("not_docked")}
    assert states == {"cart-001": "open", "cart-002": "resolved", "cart-003": "resolved"}


def test_an_alert_resolved_by_staff_is_not_raised_again_the_same_evening(fleet, anna):
    from onprem.alerts.closing import check_closing_time

    check_closing_time(now=local(21, 5))
    for alert in alerts("not_docked"):
        resolve(alert, anna)

    done = check_closing_time(now=local(21, 6))

    assert done["raised"] == 0 and len(alerts("not_docked")) == 3


def test_the_check_runs_every_minute_on_celery_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["alerts-closing-time"]

    assert entry == {"task": "onprem.alerts.tasks.check_closing_time", "schedule": 60.0}
    assert tasks.check_closing_time.name == entry["task"]


def test_the_command_refuses_a_time_it_cannot_read(db):
    from django.core.management.base import CommandError

    try:
        call_command("check_closing_time", "--at", "nine pm")
        message = ""
    except CommandError as exc:
        message = str(exc)

    assert message == "--at 'nine pm' is not an ISO 8601 time, e.g. 2026-11-24T21:05"
