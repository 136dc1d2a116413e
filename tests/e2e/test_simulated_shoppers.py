"""`smartcart demo --shoppers N`: simulated shoppers use the real API, pay, and bring carts back."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from tests.e2e.shopper_demo import ERP_TOKEN, eventually, running_demo

pytestmark = pytest.mark.e2e


def test_it_has_simulated_shoppers_take_carts_pay_and_bring_them_back(tmp_path):
    with running_demo(tmp_path, shoppers=3) as info:
        assert info["shopper_app"]["client_id"] and info["shopper_app"]["redirect_uri"]
        staff = httpx.Client(
            base_url=info["onprem_url"],
            headers={"Authorization": f"Bearer {info['tokens']['staff']}"},
        )
        erp = httpx.Client(
            base_url=info["erp_url"], headers={"Authorization": f"Bearer {ERP_TOKEN}"}
        )
        orders = eventually(
            lambda: len(o := erp.get("/emulator/v1/orders").json()["data"]) >= 2 and o,
            180,
            "two simulated shoppers' orders reach the ERP",
        )
        assert all(Decimal(o["total"]) > 0 and o["itens"] for o in orders)

        def carts():
            return {c["device_id"]: c for c in staff.get("/api/v1/carts/").json()["results"]}

        # A shopper's cart leaves its slot while they shop: racks report it gone, then back.
        eventually(
            lambda: any(c["dock"] is None and c["online"] for c in carts().values()),
            60,
            "a cart out of its rack with a shopper",
        )
        log = (info["var"] / "logs" / "simulator.log").read_text()
        assert "signed in as shopper-" in log and " took cart-" in log and " paid " in log
        assert "Traceback" not in log
