"""The admin shows incidents with their events and problem states, and edits none of them."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from cloud.incidents.services import sweep

from .conftest import at, beat, broken


def test_it_shows_an_incident_with_its_events_read_only(client, store, settings):
    settings.INCIDENT_GRACE_SECONDS = 0
    beat(store, broken("broker", "connection refused"), at(0))
    sweep(now=at(0))
    client.force_login(get_user_model().objects.create_superuser("root", password="x" * 12))

    listing = client.get("/admin/incidents/incident/")
    page = client.get(f"/admin/incidents/incident/{store.incidents.get().pk}/change/")
    states = client.get("/admin/incidents/problemstate/")

    assert listing.status_code == 200 and b"component:broker" in listing.content
    assert page.status_code == 200 and b"connection refused" in page.content
    assert b'name="_save"' not in page.content  # nothing to save: every field is read-only
    assert client.get("/admin/incidents/incident/add/").status_code == 403
    assert states.status_code == 200 and b"component:broker" in states.content
