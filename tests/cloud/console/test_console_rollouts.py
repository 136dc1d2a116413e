"""On-prem software in the console: the on-prem releases, a rollout started on one store or a
group, each store's progress, a refused store with why, and abort."""

from __future__ import annotations

import pytest

from cloud.software.models import Rollout, StoreUpdate

from ..releases.conftest import release_settings, signing  # noqa: F401  (fixtures)
from ..software.conftest import add_store, build_onprem, onprem_release  # noqa: F401


@pytest.fixture
def north(db):
    """store-001 and store-002 on 0.1.0 in group north; store-003 runs 0.9.0 alone."""
    add_store("store-001", group="north")
    add_store("store-002", group="north")
    add_store("store-003", version="0.9.0")


def test_it_lists_the_on_prem_releases(ops, onprem_release):  # noqa: F811
    onprem_release("0.2.0")

    html = ops.get("/console/software/").content.decode()

    assert '<td class="version">0.2.0</td>' in html


def test_it_starts_a_rollout_on_a_group(ops, north, onprem_release):  # noqa: F811
    release = onprem_release("0.2.0")

    response = ops.post("/console/software/", {"release": release.pk, "group": "north"})

    rollout = Rollout.objects.get()
    assert response["Location"] == f"/console/software/rollouts/{rollout.pk}/"
    assert rollout.created_by == "olga" and rollout.stores_asked == {"group": "north"}
    html = ops.get(response["Location"]).content.decode()
    assert 'data-store="store-001" data-state="pending"' in html
    assert 'data-store="store-002" data-state="pending"' in html
    assert "0 of 2 stores done, 0 switched" in html


def test_it_shows_a_refused_store_with_why(ops, north, onprem_release):  # noqa: F811
    release = onprem_release("0.2.0")

    ops.post("/console/software/", {"release": release.pk, "store": "store-003"})

    update = StoreUpdate.objects.get()
    html = ops.get(f"/console/software/rollouts/{update.rollout_id}/").content.decode()
    assert update.state == "refused"
    assert 'data-store="store-003" data-state="refused"' in html
    assert update.reason[:40] in html


def test_it_asks_for_one_store_or_one_group(ops, north, onprem_release):  # noqa: F811
    release = onprem_release("0.2.0")

    response = ops.post(
        "/console/software/", {"release": release.pk, "store": "store-001", "group": "north"}
    )

    assert "Pick one store or one group." in response.content.decode()
    assert not Rollout.objects.exists()


def test_it_aborts_a_rollout(ops, north, onprem_release):  # noqa: F811
    release = onprem_release("0.2.0")
    ops.post("/console/software/", {"release": release.pk, "store": "store-001"})
    rollout = Rollout.objects.get()

    response = ops.post(f"/console/software/rollouts/{rollout.pk}/abort/", follow=True)
    again = ops.post(f"/console/software/rollouts/{rollout.pk}/abort/", follow=True)

    rollout.refresh_from_db()
    assert rollout.state == "aborted"
    assert "Rollout aborted" in response.content.decode()
    assert "is already aborted" in again.content.decode()


def test_the_store_page_shows_its_update(ops, north, onprem_release):  # noqa: F811
    release = onprem_release("0.2.0")
    ops.post("/console/software/", {"release": release.pk, "store": "store-001"})

    html = ops.get("/console/stores/store-001/").content.decode()

    assert '<dd class="version">0.1.0</dd>' in html
    assert "Updating to" in html and ">0.2.0</a>" in html
