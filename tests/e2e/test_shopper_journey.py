"""The shopper app's whole journey against a running `smartcart demo`, as an app team writes it.

The scripted app below uses only what the OpenAPI (/api/schema/) and docs/shopper-api.md
describe, plain HTTP: it signs a new shopper up, signs in with authorization code + PKCE S256
through /o/authorize/ and the login page, pairs with a demo cart by the code printed on it,
scans three products, asks for help, pays with the cashless terminal (a tag presented on the
emulator's reader) and reads the receipt. The ERP emulator then holds exactly one order, with
the same total. The demo runs without simulated shoppers, so every order is this test's.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.e2e.shopper_demo import ERP_TOKEN, eventually, running_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path):
    """A demo of one rack and six carts, no simulated shoppers."""
    with running_demo(tmp_path, shoppers=0) as info:
        yield info


class App:
    """The scripted shopper app: a public OAuth2 client (code + PKCE S256) of the on-prem API."""

    def __init__(self, base_url: str, client_id: str, redirect_uri: str) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=30)
        self.client_id, self.redirect_uri = client_id, redirect_uri
        self.token = ""

    def sign_up(self, email: str, password: str, name: str) -> httpx.Response:
        return self.http.post(
            "/api/v1/shopper/accounts/",
            json={"email": email, "password": password, "display_name": name},
        )

    def sign_in(self, email: str, password: str) -> dict:
        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        asked = self.http.get(
            "/o/authorize/",
            params={
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_uri,
                "scope": "shopper",
                "state": "xyz",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        assert asked.status_code == 302 and "/accounts/login/" in asked.headers["location"], (
            asked.text
        )
        login = asked.headers["location"]
        assert self.http.get(login).status_code == 200
        signed_in = self.http.post(
            "/accounts/login/",
            data={
                "username": email,
                "password": password,
                "next": parse_qs(urlsplit(login).query)["next"][0],
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
        )
        assert signed_in.status_code == 302, signed_in.text[:500]
        back = self.http.get(signed_in.headers["location"])
        assert back.status_code == 302 and back.headers["location"].startswith(self.redirect_uri), (
            back.text[:500]
        )
        query = parse_qs(urlsplit(back.headers["location"]).query)
        assert query["state"] == ["xyz"]
        tokens = self.http.post(
            "/o/token/",
            data={
                "grant_type": "authorization_code",
                "code": query["code"][0],
                "redirect_uri": self.redirect_uri,
                "client_id": self.client_id,
                "code_verifier": verifier,
            },
        )
        assert tokens.status_code == 200, tokens.text
        self.token = tokens.json()["access_token"]
        return tokens.json()

    def __call__(self, method: str, path: str, expect: int, **kwargs) -> dict | None:
        got = self.http.request(
            method, path, headers={"Authorization": f"Bearer {self.token}"}, **kwargs
        )
        assert got.status_code == expect, f"{method} {path}: {got.status_code} {got.text[:500]}"
        return got.json() if got.content else None


def idle_docked_cart(info: dict) -> str:
    """A cart pairing accepts: online, in a slot, charged, healthy (as staff see it)."""
    staff = httpx.Client(
        base_url=info["onprem_url"], headers={"Authorization": f"Bearer {info['tokens']['staff']}"}
    )

    def pick():
        carts = staff.get("/api/v1/carts/").json()["results"]
        ready = [
            c["device_id"]
            for c in carts
            if c["online"]
            and c["dock"]
            and c["battery"]
            and c["battery"]["soc"] >= 40
            and c["health"] == "ok"
        ]
        return ready[0] if ready else None

    return eventually(pick, 60, "an online, docked, charged cart")


def three_products(erp_url: str) -> list[dict]:
    """Three packaged products in stock, from the ERP's catalog (which the store has synced)."""
    erp = httpx.Client(base_url=erp_url, headers={"Authorization": f"Bearer {ERP_TOKEN}"})
    products = erp.get("/api/v1/products", params={"limit": 100}).json()["data"]
    stock = {
        s["codigo"]: Decimal(s["quantidade"])
        for s in erp.get("/api/v1/stock", params={"limit": 100}).json()["data"]
    }
    packaged = [p for p in products if p["unidade"] == "un" and stock.get(p["codigo"], 0) > 5]
    return packaged[:3]


def test_it_signs_up_pairs_scans_asks_for_help_pays_by_tag_and_reads_the_receipt(demo):
    info = demo
    app_client = info["shopper_app"]
    app = App(info["onprem_url"], app_client["client_id"], app_client["redirect_uri"])
    email, password = f"ana-{secrets.token_hex(3)}@example.com", "correct horse battery staple 42"

    created = app.sign_up(email, password, "Ana")
    assert created.status_code == 201, created.text
    assert created.json()["display_name"] == "Ana"
    tokens = app.sign_in(email, password)
    assert tokens["scope"] == "shopper" and tokens["refresh_token"]
    assert app("GET", "/api/v1/shopper/me/", 200)["email"] == email

    device = idle_docked_cart(info)
    code = json.loads((info["var"] / "device-credentials.json").read_text())[device]["pairing_code"]
    session = app("POST", "/api/v1/shopper/sessions/", 201, json={"cart_code": code})
    assert session["state"] == "active" and session["cart"]["device_id"] == device
    sid = session["id"]

    products = three_products(info["erp_url"])
    for product in products:
        added = app(
            "POST",
            f"/api/v1/shopper/sessions/{sid}/items/",
            201,
            json={"barcode": product["codigos_barras"][0], "quantity": 1},
        )
        assert added["line"]["product_code"] == product["codigo"]
        assert Decimal(added["line"]["unit_price"]) == Decimal(product["preco_venda"])
    basket = app("GET", f"/api/v1/shopper/sessions/{sid}/", 200)
    total = Decimal(basket["totals"]["total"])
    assert len(basket["lines"]) == 3
    assert total == sum(Decimal(p["preco_venda"]) for p in products)

    helped = app(
        "POST",
        f"/api/v1/shopper/sessions/{sid}/help/",
        201,
        json={"reason": "where is the oat milk?"},
    )
    assert helped["state"] == "open"
    assert [
        h["id"] for h in app("GET", f"/api/v1/shopper/sessions/{sid}/help/", 200)["results"]
    ] == [helped["id"]]

    payment = app(
        "POST", f"/api/v1/shopper/sessions/{sid}/checkout/", 202, json={"method": "cashless"}
    )
    assert payment["state"] == "waiting_for_tag" and Decimal(payment["amount"]) == total
    reader = httpx.Client(base_url=info["cashless_url"])
    presented = reader.post(
        "/emulator/v1/tag", json={"tagNr": "04A1B2C3D4E5F6", "totalCredits": "500"}
    )
    assert presented.status_code == 200, presented.text
    paid = eventually(
        lambda: (
            (p := app("GET", f"/api/v1/shopper/sessions/{sid}/checkout/", 200))["state"]
            != "waiting_for_tag"
            and p
        ),
        30,
        "the terminal settles the payment",
    )
    reader.delete("/emulator/v1/tag")
    assert paid["state"] == "paid", paid
    assert app("GET", f"/api/v1/shopper/sessions/{sid}/", 200)["state"] == "paid"

    receipt = app("GET", f"/api/v1/shopper/orders/{paid['order']}/", 200)
    assert Decimal(receipt["total"]) == total and len(receipt["lines"]) == 3
    assert [o["id"] for o in app("GET", "/api/v1/shopper/orders/", 200)["results"]] == [
        receipt["id"]
    ]

    erp = httpx.Client(base_url=info["erp_url"], headers={"Authorization": f"Bearer {ERP_TOKEN}"})
    orders = eventually(
        lambda: erp.get("/emulator/v1/orders").json()["data"], 60, "the order reaches the ERP"
    )
    assert len(orders) == 1
    assert orders[0]["pedido_externo"] == receipt["number"]
    assert Decimal(orders[0]["total"]) == total
    invoiced = eventually(
        lambda: (
            (r := app("GET", f"/api/v1/shopper/orders/{receipt['id']}/", 200))["invoice_number"]
            and r
        ),
        60,
        "the receipt shows the ERP's invoice number",
    )
    assert invoiced["erp_state"]
