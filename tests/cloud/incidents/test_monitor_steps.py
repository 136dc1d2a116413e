"""manage.py monitor runs the incident sweep among its steps; one failing step stops none."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from cloud.stores.management.commands.monitor import Step

from .conftest import beat, broken, incidents


@pytest.fixture
def broken_store(transactional_db, store, rules):
    # transactional: the monitor closes stale connections, which a test transaction cannot survive
    rules.INCIDENT_GRACE_SECONDS = 0
    beat(store, broken("broker", "connection refused"), timezone.now())
    return store


def test_it_opens_incidents_in_its_sweep(broken_store, capsys):
    call_command("monitor", "--once")

    assert [i.problem for i in incidents()] == ["component:broker"]
    assert "incidents: opened 1" in capsys.readouterr().out


def test_a_failing_step_is_logged_and_the_next_steps_still_run(broken_store, monkeypatch, caplog):
    def fails(**kwargs):
        raise RuntimeError("the command outbox is unreadable")

    monkeypatch.setattr("cloud.commands.services.expire_store_commands", fails)

    call_command("monitor", "--once")

    assert "monitor step failed step=expire commands" in caplog.text
    assert "the command outbox is unreadable" in caplog.text
    assert [i.problem for i in incidents()] == ["component:broker"]


def test_a_step_whose_part_is_not_installed_is_skipped():
    missing = Step("later", "cloud.not_landed_yet", "sweep", str)
    absent = Step("later", "cloud.incidents.services", "not_defined_yet", str)

    assert missing.resolve() is None and absent.resolve() is None


def test_beat_sweeps_incidents_every_ten_seconds(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-incidents"]

    assert entry == {"task": "cloud.incidents.tasks.sweep_incidents", "schedule": 10.0}


def test_it_keeps_the_heartbeat_history_of_offline_stores(transactional_db, store):
    from cloud.stores.models import HeartbeatSample

    call_command("monitor", "--once")

    [sample] = HeartbeatSample.objects.filter(store=store)
    assert sample.online is False
