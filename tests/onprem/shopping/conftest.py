"""Shared shopping fixtures: shoppers with tokens, staff, a synced catalog, a cart ready to pair.

Other parts' fixtures may be appended at the end (small additions only).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from onprem.catalog.models import Product
from onprem.catalog.services import ProductEntry, StockEntry, apply_products, apply_stock_levels
from onprem.core.tokens import issue_token
from onprem.fleet.models import Cart, CartState, Rack, Slot
from onprem.fleet.services import current_store
from onprem.shopping.barcodes import weighed_barcode, with_check_digit
from tests.onprem.auth.conftest import person

# Barcodes of the `catalog` fixture (valid check digits). The weighed products are known to the
# catalog by their zero-value label; a scale prints `weighed_barcode(prefix, value)`.
MILK = with_check_digit("560123400001")  # 0.89, VAT 6 %
WINE = with_check_digit("560123400002")  # 4.99, VAT 13 %
COFFEE = with_check_digit("560123400003")  # 3.49, VAT 23 %
CHOCOLATE = with_check_digit("560123400004")  # 1.99, VAT 23 %, out of stock
BANANAS_PREFIX = "2100001"  # 1.49 per kg, VAT 6 %: labels carry the weight in grams
CHEESE_PREFIX = "2800002"  # 18.90 per kg, VAT 6 %: labels carry the price in cents
BANANAS = weighed_barcode(BANANAS_PREFIX, 0)
CHEESE = weighed_barcode(CHEESE_PREFIX, 0)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The CLI client's secret and any password are hashed with the first hasher: PBKDF2 costs
    # a quarter of a second per token here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_pairing_throttle(settings):
    # Tests pair the same shopper (the same id, test after test) far more often than a person
    # could; tests/onprem/shopping/sessions/test_pairing_throttle.py sets a rate of its own.
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "shopper_pairing": None}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


def bearer(user, scope: str) -> Client:
    """A test client sending a fresh bearer token of `user` with `scope`."""
    raw = issue_token(username=user.username, scopes=[scope]).token
    return Client(headers={"Authorization": f"Bearer {raw}"})


def shopper_person(username: str, first_name: str):
    user = person(username)
    user.first_name, user.email = first_name, f"{username}@example.com"
    user.save(update_fields=["first_name", "email"])
    return user


@pytest.fixture
def shopper(db):
    """Sam, a shopper (first name "Sam")."""
    return shopper_person("sam@example.com", "Sam")


@pytest.fixture
def shopper_client(shopper) -> Client:
    """Sam's shopper-app token."""
    return bearer(shopper, "shopper")


@pytest.fixture
def other_shopper(db):
    """Olivia, a second shopper."""
    return shopper_person("olivia@example.com", "Olivia")


@pytest.fixture
def other_client(other_shopper) -> Client:
    return bearer(other_shopper, "shopper")


@pytest.fixture
def staff_user(db):
    """Stella, a store manager."""
    return person("stella", staff=True)


@pytest.fixture
def staff_client(staff_user) -> Client:
    """Stella's staff token."""
    return bearer(staff_user, "staff")


def product_entry(code, name, price, vat, barcode, unit="un") -> ProductEntry:
    return ProductEntry(
        code=code,
        name=name,
        price=Decimal(price),
        vat_rate=Decimal(vat),
        unit=unit,
        barcodes=(barcode,),
    )


@pytest.fixture
def catalog(db) -> dict[str, Product]:
    """The catalog as the ERP sync leaves it: four packaged products (one out of stock) and
    two sold by weight (bananas labelled by weight, cheese by price). Keyed by short name."""
    entries = {
        "milk": product_entry("P00001", "Leite Mimosa 1 L", "0.89", "6", MILK),
        "wine": product_entry("P00002", "Vinho Serra Tinto", "4.99", "13", WINE),
        "coffee": product_entry("P00003", "Café Aurora 250 g", "3.49", "23", COFFEE),
        "chocolate": product_entry("P00004", "Chocolate Planalto", "1.99", "23", CHOCOLATE),
        "bananas": product_entry("P00005", "Banana da Madeira", "1.49", "6", BANANAS, "kg"),
        "cheese": product_entry("P00006", "Queijo da Serra", "18.90", "6", CHEESE, "kg"),
    }
    apply_products(entries=list(entries.values()))
    stock = {"milk": 50, "wine": 12, "coffee": 20, "chocolate": 0, "bananas": 40, "cheese": 5}
    apply_stock_levels(
        entries=[StockEntry(code=entries[k].code, quantity=Decimal(q)) for k, q in stock.items()]
    )
    by_code = {p.code: p for p in Product.objects.all()}
    return {key: by_code[e.code] for key, e in entries.items()}


def ready_cart(
    device_id: str = "cart-001",
    *,
    online: bool = True,
    soc: float = 80.0,
    health: str = "ok",
    fault_codes: list | None = None,
) -> Cart:
    """A provisioned cart with a fresh reading: by default online, docked in rack-01, battery
    80 %, health ok (what pairing wants)."""
    # Rows as provisioning leaves them, without its password hashing (a second per device).
    store, now = current_store(), timezone.now()
    if not Rack.objects.filter(device_id="rack-01").exists():
        rack = Rack.objects.create(
            store=store, device_id="rack-01", mqtt_username="rack-01", slot_count=4
        )
        Slot.objects.bulk_create(Slot(rack=rack, number=n) for n in range(1, 5))
    cart = Cart.objects.create(
        store=store,
        device_id=device_id,
        name=device_id,
        mqtt_username=device_id,
        online=online,
        last_seen=now,
    )
    slot = Slot.objects.filter(rack__device_id="rack-01", cart__isnull=True).first()
    if slot is not None:
        slot.cart = cart
        slot.save(update_fields=["cart"])
    CartState.objects.create(
        cart=cart,
        soc=soc,
        voltage=25.2,
        temperature=21.0,
        charging=slot is not None,
        health=health,
        fault_codes=fault_codes or [],
        dock_slot=slot,
        firmware="1.0.0",
        boot_id="b1",
        reading_at=now,
        received_at=now,
    )
    return cart


@pytest.fixture
def cart(db) -> Cart:
    """cart-001, ready to pair: online, docked, battery 80 %, health ok."""
    return ready_cart("cart-001")


@pytest.fixture
def second_cart(db) -> Cart:
    """cart-002, also ready to pair."""
    return ready_cart("cart-002")


@pytest.fixture
def session(shopper, cart, catalog):
    """Sam's active session on cart-001, empty basket (the catalog is synced)."""
    from onprem.shopping.sessions import pair_cart

    return pair_cart(shopper=shopper, cart_code=cart.pairing_code)


def scan(client: Client, session, barcode: str, quantity: int | None = None):
    """POST a scan to the session's basket as `client`; returns the response."""
    body = {"barcode": barcode} if quantity is None else {"barcode": barcode, "quantity": quantity}
    return client.post(
        f"/api/v1/shopper/sessions/{session.pk}/items/", body, content_type="application/json"
    )
