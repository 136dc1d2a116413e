"""A technician forces an update from a simulated rack's page: the rack asks the store's real
API with its own MQTT credentials, the store records a waiting job audited as the rack's, and
the page shows the answer: the job, the store's refusal of a second one, the whole rack."""

from __future__ import annotations

import pytest

from tests.agents import rack_page_store
from tests.agents.rack_page_store import PIN, docked_in, form_token, notice

store_with_a_release, rack_page = rack_page_store.store_with_a_release, rack_page_store.rack_page
pytestmark = pytest.mark.timeout(120)


def test_it_asks_the_store_with_the_racks_own_credentials_and_shows_the_job(rack_page):
    from onprem.updates.models import UpdateJob

    carts = docked_in("rack-01")
    page = rack_page.get("/")
    form = {"csrf": form_token(page), "cart": carts[0], "version": "1.1.0", "pin": PIN}

    first = rack_page.post("/update", data=form)
    again = rack_page.post("/update", data=form)
    whole_rack = rack_page.post(
        "/update", data={**form, "scope": "rack", "cart": "", "override_window": "on"}
    )

    assert '<option value="1.1.0">1.1.0 (testing, missing)</option>' in page.text
    assert page.text.count('<td class="firmware">1.0.0</td>') == 4
    job = UpdateJob.objects.get(device_id=carts[0])
    assert first.status_code == 200, first.text
    assert notice(first).startswith(
        f"Update of {carts[0]} to 1.1.0 requested: job {job.id}, waiting"
    )
    assert job.requested_by == "rack:rack-01" and not job.override_window
    assert job.transitions.first().by == "rack:rack-01"
    assert again.status_code == 409
    assert notice(again).startswith(f"the store refused to update {carts[0]}: ")
    assert whole_rack.status_code == 200, whole_rack.text
    assert notice(whole_rack).startswith("Update to 1.1.0 requested for 3 cart(s)")
    assert f"Skipped: {carts[0]}: " in notice(whole_rack)
    rack_jobs = UpdateJob.objects.filter(device_id__in=carts[1:])
    assert sorted(j.device_id for j in rack_jobs) == carts[1:]
    assert all(j.requested_by == "rack:rack-01" and j.override_window for j in rack_jobs)
    # The page lists each cart's job, as the store shows them to this rack.
    assert rack_page.get("/").text.count('<td class="job">1.1.0 waiting</td>') == 4
