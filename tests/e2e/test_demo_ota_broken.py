"""With `smartcart demo` up, a release whose health check fails goes out in a campaign whose
first phase is two carts: each cart that tried it rolls back to 1.0.0 by itself and says why,
the campaign pauses itself at its failure threshold with the figures, and no other cart is
touched."""

from __future__ import annotations

import pytest

from tests.e2e.demo_ota import (
    ACTIVE,
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


@pytest.fixture
def demo(tmp_path):
    proc, info = start_demo(tmp_path / "var")
    yield info
    stop_demo(proc)


def test_a_broken_release_rolls_back_and_pauses_its_campaign(demo, tmp_path):
    ops, staff = clients(demo)
    ready(ops, staff)
    release = upload(ops, demo, tmp_path, "1.1.0", broken=True)
    campaign = start_campaign(
        ops, release["id"], [{"carts": 2}, {"percent": 100}], max_failure_percent=20
    )
    url = f"/api/v1/campaigns/{campaign['id']}/"

    paused = eventually(
        lambda: (d := ops.get(url).json())["state"] == "paused" and d,
        300,
        "the campaign pauses itself",
    )
    # Carts already sent when it paused finish their try; then nothing moves any more.
    tried = eventually(
        lambda: (js := jobs(staff)) and not [j for j in js if j["state"] in ACTIVE] and js,
        120,
        "no job still installing",
    )

    rolled_back = [j for j in tried if j["state"] == "rolled_back"]
    assert len(rolled_back) >= 1, tried
    assert all(j["reason"] == "healthcheck_failed" for j in rolled_back), rolled_back
    assert not [j for j in tried if j["state"] == "succeeded"]
    assert paused["paused_reason"].startswith("failures: "), paused
    assert "above the 20 % threshold" in paused["paused_reason"]
    figures = paused["pause_figures"]
    assert figures["kind"] == "failures" and figures["failure_percent"] > 20, figures
    assert {d["reason"] for d in figures["failed_devices"]} == {"healthcheck_failed"}, figures
    assert paused["phase"] == 1
    # Every cart still runs 1.0.0: the ones that tried rolled back, the others were never sent.
    eventually(
        lambda: {c["firmware"] for c in carts(staff)} == {"1.0.0"}, 60, "every cart back on 1.0.0"
    )
    sent = {j["device"] for j in tried if j["state"] in ("rolled_back", "failed")}
    assert sent == {j["device"] for j in rolled_back}
    assert len(sent) <= 2, sent  # only the first phase's carts ever tried
    # The cloud shows the roll-backs with their reason, cart by cart.
    rows = eventually(
        lambda: (
            (
                rs := [
                    r
                    for r in ops.get(url).json()["progress"]["devices"]
                    if r["state"] == "rolled_back"
                ]
            )
            and len(rs) == len(rolled_back)
            and rs
        ),
        30,
        "the cloud sees the roll-backs",
    )
    assert {r["device"] for r in rows} == sent
    assert all(r["reason"] == "healthcheck_failed" and r["from_version"] == "1.0.0" for r in rows)
