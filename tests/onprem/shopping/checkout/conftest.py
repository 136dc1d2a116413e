"""Checkout tests run the real emulators: the cashless terminal and the ERP, as subprocesses on
free ports (the integration tests' fixtures), and the app's calls go through HTTP with a token.

Commit hooks (the task that starts the terminal's job, the ERP post, the cart's messages) run
as they would after a real commit: each app call is wrapped in django_capture_on_commit_callbacks.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest

from onprem.shopping import basket, sessions
from onprem.shopping.barcodes import weighed_barcode
from onprem.shopping.models import ShoppingSession
from tests.onprem.integrations.cashless.conftest import Reader, emulator  # noqa: F401
from tests.onprem.integrations.erp.conftest import ErpControl, erp, erp_emulator  # noqa: F401
from tests.onprem.shopping.conftest import BANANAS_PREFIX, CHEESE_PREFIX, MILK, WINE

# 2 × milk 0.89 + wine 4.99 + 0.754 kg bananas at 1.49/kg (1.12) + cheese labelled 5.27
BASKET_TOTAL = Decimal("13.16")


class Terminal(Reader):
    """The emulator's control API: the reader, and what the terminal did."""

    def jobs(self) -> list[dict]:
        return self.http.get("/jobs").json()["data"]

    def credits(self, tag_nr: str) -> Decimal:
        tags = self.http.get("/tags").json()["data"]
        return Decimal(next(t["totalCredits"] for t in tags if t["tagNr"] == tag_nr))


@pytest.fixture
def terminal(emulator, settings) -> Terminal:  # noqa: F811
    """The cashless emulator, freshly reset, as the store's terminal."""
    settings.CASHLESS_URL = emulator["url"]
    settings.CASHLESS_USERNAME, settings.CASHLESS_PASSWORD = "api", "test"
    settings.CASHLESS_PAYMENT_TYPE = ""
    control = Terminal(emulator["url"])
    control.http.post("/reset").raise_for_status()
    yield control
    control.http.close()


class App:
    """The shopper app (or a till): JSON calls with a token; commit hooks run as after a commit."""

    def __init__(self, client, capture) -> None:
        self.client, self.capture = client, capture

    def call(self, method: str, path: str, body: dict | None = None):
        with self.capture(execute=True):
            send = getattr(self.client, method.lower())
            if body is None:  # a bodyless call, as the app's HTTP client sends it
                return send(path, content_type="application/json")
            return send(path, body, content_type="application/json")

    def checkout(self, session_id, method: str = "cashless"):
        return self.call("POST", checkout_url(session_id), {"method": method})

    def settled(self, session_id, *, within: float = 5.0) -> dict:
        """Poll GET …/checkout/ as the app does until the payment leaves waiting_for_tag."""
        deadline = time.monotonic() + within
        while True:
            payment = self.call("GET", checkout_url(session_id)).json()
            if payment["state"] != "waiting_for_tag" or time.monotonic() > deadline:
                return payment
            time.sleep(0.1)


def checkout_url(session_id) -> str:
    return f"/api/v1/shopper/sessions/{session_id}/checkout/"


@pytest.fixture
def app(shopper_client, django_capture_on_commit_callbacks) -> App:
    """Sam's shopper app."""
    return App(shopper_client, django_capture_on_commit_callbacks)


@pytest.fixture
def visit(shopper, cart, catalog, erp, django_capture_on_commit_callbacks) -> ShoppingSession:  # noqa: F811
    """Sam on cart-001 with a basket of 13.16: two milks, a wine, bananas by weight, cheese
    labelled by price. The ERP emulator runs (its catalog has these product codes)."""
    with django_capture_on_commit_callbacks(execute=True):
        paired = sessions.pair_cart(shopper=shopper, cart_code=cart.pairing_code)
        for barcode, quantity in (
            (MILK, 2),
            (WINE, 1),
            (weighed_barcode(BANANAS_PREFIX, 754), 1),
            (weighed_barcode(CHEESE_PREFIX, 527), 1),
        ):
            basket.add_item(session=paired, barcode=barcode, quantity=quantity)
    paired.refresh_from_db()
    return paired
