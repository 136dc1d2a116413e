"""Which channels hear of an incident: those whose store groups hold its store (none = every
store) and whose minimum severity it reaches; disabled channels hear nothing."""

from __future__ import annotations

from cloud.notifications.models import Notice
from cloud.notifications.services import announce

from .conftest import make_channel, make_incident, make_store


def told(incident) -> set[str]:
    return set(Notice.objects.filter(incident=incident).values_list("channel__name", flat=True))


def test_it_routes_by_store_group(db):
    north = make_store("store-n1", group="north")
    south = make_store("store-s1", group="south")
    make_channel("north desk", "email", "north@example.com", groups=["north"])
    make_channel("south desk", "email", "south@example.com", groups=["south"])
    make_channel("everyone", "email", "all@example.com")

    north_incident = make_incident(north)
    south_incident = make_incident(south)
    announce(north_incident, "opened")
    announce(south_incident, "opened")

    assert told(north_incident) == {"north desk", "everyone"}
    assert told(south_incident) == {"south desk", "everyone"}


def test_it_routes_by_minimum_severity(store):
    make_channel("pager", "email", "pager@example.com", min_severity="critical")
    make_channel("chat", "email", "chat@example.com", min_severity="warning")
    make_channel("log", "email", "log@example.com", min_severity="info")

    warning = make_incident(store, severity="warning", problem="fleet:ingest_lag")
    critical = make_incident(store, severity="critical", problem="component:database")
    info = make_incident(store, severity="info", problem="fleet:faults")
    for incident in (warning, critical, info):
        announce(incident, "opened")

    assert told(critical) == {"pager", "chat", "log"}
    assert told(warning) == {"chat", "log"}
    assert told(info) == {"log"}


def test_it_tells_no_disabled_channel(store):
    make_channel("off", "email", "off@example.com", enabled=False)

    assert announce(make_incident(store), "opened") == 0


def test_it_queues_an_event_once_per_channel(store):
    make_channel("desk", "email", "desk@example.com")
    incident = make_incident(store)

    assert announce(incident, "opened") == 1
    assert announce(incident, "opened") == 0
    assert Notice.objects.filter(incident=incident).count() == 1


def test_it_never_raises(store):
    incident = make_incident(store)
    incident.store_id = None  # what a half-deleted row looks like

    assert announce(incident, "opened") == 0
