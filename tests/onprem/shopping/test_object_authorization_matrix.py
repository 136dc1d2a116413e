"""Object-level authorization, generated: shopper A shops (two sessions: one paid at the till,
one still open, each with a line and a help request), then shopper B calls every shopper route
that takes an id (read from the URL resolver) x A's ids in every parameter (alone and beside
B's own ids) x every method. Each answer is a 404 with the body an id that never existed
gets, and A's objects are the same afterwards. A route added later is covered as it is."""

from __future__ import annotations

import itertools
import uuid

import pytest

from onprem.fleet.models import Cart
from onprem.shopping.models import BasketLine, HelpRequest, Order, Payment, ShoppingSession
from tests.onprem.auth.conftest import person
from tests.onprem.shopping.api_routes import METHODS, api_routes
from tests.onprem.shopping.conftest import MILK, WINE, bearer, ready_cart, shopper_person

SHOPPER_PREFIX = "api/v1/shopper/"
# One body for every POST/PUT/PATCH: each view finds the fields it wants in it, so a call
# gets past validation to the lookup (a leak would act on A's object, and show below).
PROBE = {"barcode": WINE, "quantity": 2, "reason": "probe", "method": "till", "cart_code": "X"}


def ok(response, status: int) -> dict:
    assert response.status_code == status, (response.request, response.content[:500])
    return response.json()


def shop(client, cart: Cart, *, pay: bool, till=None) -> dict[str, str]:
    """A shopper's visit through the API; the ids of what it made, by kind."""
    session = ok(
        client.post(
            "/api/v1/shopper/sessions/",
            {"cart_code": cart.pairing_code},
            content_type="application/json",
        ),
        201,
    )["id"]
    base = f"/api/v1/shopper/sessions/{session}"
    line = ok(
        client.post(f"{base}/items/", {"barcode": MILK}, content_type="application/json"), 201
    )["line"]["id"]
    help_id = ok(
        client.post(
            f"{base}/help/", {"reason": "where is the coffee?"}, content_type="application/json"
        ),
        201,
    )["id"]
    ids = {"session": session, "line": line, "help": help_id}
    if pay:
        payment = ok(
            client.post(f"{base}/checkout/", {"method": "till"}, content_type="application/json"),
            202,
        )
        ok(
            till.post(
                f"/api/v1/till/payments/{payment['till_code']}/paid/",
                {},
                content_type="application/json",
            ),
            200,
        )
        ids["payment"] = payment["id"]
        ids["order"] = ok(client.get(f"{base}/"), 200)["order"]
        assert ids["order"]
    return ids


def snapshot(shopper) -> dict:
    """Everything of A's a foreign call could change, as plain values."""
    sessions = ShoppingSession.objects.filter(shopper=shopper)

    def rows(queryset) -> list[dict]:
        return sorted(queryset.values(), key=lambda row: str(row["id"]))

    return {
        "sessions": rows(sessions),
        "lines": rows(BasketLine.objects.filter(session__in=sessions)),
        "help": rows(HelpRequest.objects.filter(session__in=sessions)),
        "payments": rows(Payment.objects.filter(session__in=sessions)),
        "orders": rows(Order.objects.filter(shopper=shopper)),
        "carts": sorted(Cart.objects.values_list("device_id", "in_session")),
    }


@pytest.fixture
def world(db, catalog):
    a, b = shopper_person("ann", "Ann"), shopper_person("bob", "Bob")
    till = bearer(person("svc-till", groups=("integration",)), "integration")
    client_a, client_b = bearer(a, "shopper"), bearer(b, "shopper")
    paid = shop(client_a, ready_cart("cart-001"), pay=True, till=till)
    open_ = shop(client_a, ready_cart("cart-002"), pay=False)
    mine = shop(client_b, ready_cart("cart-003"), pay=False)
    return {
        "a": a,
        "b": client_b,
        "a_ids": [*paid.values(), *open_.values()],
        "b_ids": list(mine.values()),
    }


def id_routes():
    routes = [r for r in api_routes(SHOPPER_PREFIX) if r.params]
    assert routes, "no shopper route takes an id"
    return routes


def calls(route, a_ids: list[str], b_ids: list[str]):
    """(method, values) for every method x assignment of ids with at least one of A's."""
    for values in itertools.product(a_ids + b_ids, repeat=len(route.params)):
        if any(v in a_ids for v in values):
            for method in METHODS:
                yield method, dict(zip(route.params, values, strict=True))


def answer(client, route, method: str, values: dict) -> tuple[int, str]:
    response = getattr(client, method)(route.path(**values), PROBE, content_type="application/json")
    text = response.content.decode()
    for name, value in values.items():
        text = text.replace(value, f"<{name}>")
    return response.status_code, text


def test_another_shopper_gets_404_for_every_object_of_a_shopper(world):
    before = snapshot(world["a"])
    leaks = []

    for route in id_routes():
        for method, values in calls(route, world["a_ids"], world["b_ids"]):
            got = answer(world["b"], route, method, values)
            # The same id, never issued: what "nothing here" looks like on this route.
            missing = {
                k: (str(uuid.uuid4()) if v in world["a_ids"] else v) for k, v in values.items()
            }
            baseline = answer(world["b"], route, method, missing)
            expected = 404 if method in route.methods else 405
            if got[0] != expected or got != baseline:
                leaks.append(
                    f"{method.upper()} /{route.route} {values}: {got} vs missing {baseline}"
                )

    assert not leaks, "\n".join(leaks[:20])
    assert snapshot(world["a"]) == before


def test_another_shopper_lists_none_of_a_shoppers_objects(world):
    lists = [r for r in api_routes(SHOPPER_PREFIX) if not r.params and "get" in r.methods]

    bodies = {r.route: world["b"].get(r.path()).content.decode() for r in lists}

    assert {"api/v1/shopper/sessions/", "api/v1/shopper/orders/"} <= set(bodies)
    for route, body in bodies.items():
        assert not [i for i in world["a_ids"] if i in body], route
