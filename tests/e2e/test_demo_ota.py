"""With `smartcart demo` up, ops uploads a release signed with demo.json's release_key and
starts a campaign over the store: every docked, charging, idle cart runs it within 5 minutes,
the store never starts an install on a cart that is out with a shopper, and the cloud's
campaign shows the progress cart by cart."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from tests.e2e.demo_ota import (
    STORE,
    carts,
    clients,
    eventually,
    jobs,
    ready,
    start_campaign,
    start_demo,
    stop_demo,
    upload,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]
CAMPAIGN_LIMIT_S = 300


@pytest.fixture
def demo(tmp_path):
    proc, info = start_demo(tmp_path / "var")
    yield info
    stop_demo(proc)


def out_shopping(cart: dict) -> bool:
    return cart["in_session"] or cart["dock"] is None


def eligible(cart: dict) -> bool:
    """Docked, charging and idle: what the campaign must have updated."""
    return bool(
        cart["dock"] and cart["battery"] and cart["battery"]["charging"] and not cart["in_session"]
    )


def test_a_campaign_brings_every_docked_charging_idle_cart_to_the_new_release(demo, tmp_path):
    ops, staff = clients(demo)
    ready(ops, staff)
    release = upload(ops, demo, tmp_path, "1.1.0")
    campaign = start_campaign(ops, release["id"], [{"percent": 100}], max_failure_percent=50)

    samples: list[tuple[float, dict[str, dict]]] = []  # (time, cart -> its row), every ~2 s

    def all_eligible_updated() -> bool:
        now = {c["device_id"]: c for c in carts(staff)}
        samples.append((time.time(), now))
        ready_carts = [c for c in now.values() if eligible(c)]
        return len(ready_carts) >= 10 and all(c["firmware"] == "1.1.0" for c in ready_carts)

    started = time.monotonic()
    eventually(
        all_eligible_updated,
        CAMPAIGN_LIMIT_S,
        "every docked, charging, idle cart on 1.1.0",
        every=2,
    )
    took = time.monotonic() - started

    updated = {c["device_id"] for c in carts(staff) if c["firmware"] == "1.1.0"}
    assert len(updated) >= 10, updated
    assert took < CAMPAIGN_LIMIT_S
    # No install was started on a cart out shopping: when the store sent ota.install, the
    # cart was not out with a shopper both just before and just after.
    for job in jobs(staff):
        detail = staff.get(f"/api/v1/updates/jobs/{job['id']}/").json()
        sent = [t for t in detail["transitions"] if t["to_state"] == "sent"]
        for transition in sent:
            at = datetime.fromisoformat(transition["at"].replace("Z", "+00:00")).timestamp()
            before = [s for t, s in samples if t <= at]
            after = [s for t, s in samples if t >= at]
            if before and after:
                cart_before, cart_after = before[-1][job["device"]], after[0][job["device"]]
                assert not (out_shopping(cart_before) and out_shopping(cart_after)), (
                    job,
                    transition,
                )
    # What went up the chain: the cloud's campaign shows each updated cart succeeded.
    detail = eventually(
        lambda: (
            (d := ops.get(f"/api/v1/campaigns/{campaign['id']}/").json())
            and {r["device"] for r in d["progress"]["devices"] if r["state"] == "succeeded"}
            >= updated
            and d
        ),
        30,
        "the cloud sees every updated cart succeeded",
    )
    rows = {r["device"]: r for r in detail["progress"]["devices"]}
    assert all(rows[c]["to_version"] == "1.1.0" and rows[c]["store"] == STORE for c in updated)
    assert detail["state"] in ("running", "finished")
    assert detail["progress"]["totals"]["states"].get("succeeded", 0) >= len(updated)
    assert not [r for r in rows.values() if r["state"] in ("failed", "rolled_back")]
    eventually(
        lambda: (
            {
                d["device"]
                for d in ops.get(f"/api/v1/stores/{STORE}/firmware/").json()["devices"]
                if d["version"] == "1.1.0"
            }
            >= updated
        ),
        30,
        "the cloud's firmware page of the store lists every updated cart on 1.1.0",
    )
