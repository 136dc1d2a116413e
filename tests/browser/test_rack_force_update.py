"""A technician on a rack's page, in Chromium, forces one docked cart onto a testing release:
picks the release and types the PIN, presses "Update this cart", sees the store's answer, and
the cart (and only it) ends on that release, shown on the page and by the store's API.
The whole chain is the real `smartcart demo`: the page's rack asks the store with its own
credentials, the store fetched the release from the cloud, the cart installs and reboots."""

from __future__ import annotations

import pytest

from tests.e2e.demo_ota import carts, clients, eventually, ready, start_demo, stop_demo, upload

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
RACK = "rack-01"


@pytest.fixture
def demo(tmp_path):
    proc, info = start_demo(tmp_path / "var")
    yield info
    stop_demo(proc)


def cart_to_update(staff) -> dict | None:
    """A cart charging in rack-01, the lowest battery above the store's 30 % floor (the
    longest until it is full and stops charging)."""
    ready_now = [
        c
        for c in carts(staff)
        if c["dock"]
        and c["dock"]["rack"] == RACK
        and not c["in_session"]
        and c["battery"]["charging"]
        and c["battery"]["soc"] > 32
    ]
    return min(ready_now, key=lambda c: c["battery"]["soc"], default=None)


def keep_in_its_slot(staff, cart: str) -> None:
    """Maintenance mode, as a technician sets it before working on a cart: no shopper takes it."""
    sent = staff.post(
        f"/api/v1/carts/{cart}/commands/", json={"command": "maintenance", "args": {"on": True}}
    )
    assert sent.status_code == 202, sent.text
    eventually(
        lambda: staff.get(f"/api/v1/commands/{sent.json()['id']}/").json()["state"] == "done",
        30,
        f"{cart} in maintenance",
    )


def test_the_technician_updates_one_cart_from_the_rack_page(demo, tmp_path, chromium_path):
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS

    ops, staff = clients(demo)
    ready(ops, staff)
    upload(ops, demo, tmp_path, "1.1.0", channel="testing")
    eventually(
        lambda: any(
            r["version"] == "1.1.0" and r["artifact_state"] == "cached"
            for r in staff.get("/api/v1/updates/releases/?hardware=cart-v1").json()["results"]
        ),
        60,
        "the store caches the testing release",
    )
    user, password = demo["technician"]["login"].split(":", 1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(http_credentials={"username": user, "password": password})
        context.set_default_timeout(15_000)
        page = context.new_page()
        cart = eventually(lambda: cart_to_update(staff), 60, "a charging cart in rack-01")[
            "device_id"
        ]
        keep_in_its_slot(staff, cart)
        page.goto(demo["rack_pages"][RACK])
        form = page.locator(f"#update-{cart}")
        form.locator("input[name=pin]").fill(demo["technician"]["pin"])  # a typed PIN stops reloads
        form.locator("select[name=version]").select_option("1.1.0")
        expect(
            form.locator("select[name=version] option", has_text="1.1.0 (testing, cached)")
        ).to_have_count(1)
        form.get_by_role("button", name="Update this cart").click()

        expect(page.locator(".notice.ok")).to_contain_text(
            f"Update of {cart} to 1.1.0 requested: job"
        )
        eventually(
            lambda: {c["device_id"]: c["firmware"] for c in carts(staff)}[cart] == "1.1.0",
            120,
            f"{cart} runs 1.1.0",
        )
        firmware = {c["device_id"]: c["firmware"] for c in carts(staff)}
        assert [c for c, version in firmware.items() if version != "1.0.0"] == [cart]
        # The page shows it too: the cart's row, refreshed by the page's script from slots.json.
        expect(page.locator(f'tr[data-cart="{cart}"] td.firmware')).to_have_text(
            "1.1.0", timeout=20_000
        )
        page.goto(demo["rack_pages"][RACK])
        expect(page.locator(f'tr[data-cart="{cart}"] td.job')).to_have_text("1.1.0 succeeded")
        # Nothing newer to offer that cart any more; the others still get the form.
        expect(page.locator(f'tr[data-cart="{cart}"] td.force')).to_have_text(
            "runs the newest release"
        )
        others = page.locator(f'tr[data-cart]:not([data-cart="{cart}"]):not([data-cart=""])')
        assert set(others.locator("td.firmware").all_text_contents()) == {"1.0.0"}
        assert others.locator("form").count() == others.count() > 0
        browser.close()
    job = staff.get("/api/v1/updates/jobs/", params={"cart": cart}).json()["results"][0]
    assert job["requested_by"] == f"rack:{RACK}" and job["state"] == "succeeded"
