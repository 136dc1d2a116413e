"""Who may call the session endpoints: shopper tokens only (staff and anonymous may not)."""

from __future__ import annotations

import uuid

from django.test import Client

from tests.onprem.shopping.conftest import bearer

SESSION = uuid.uuid4()
LINE = uuid.uuid4()
CALLS = [
    ("get", "/api/v1/shopper/sessions/"),
    ("post", "/api/v1/shopper/sessions/"),
    ("get", f"/api/v1/shopper/sessions/{SESSION}/"),
    ("post", f"/api/v1/shopper/sessions/{SESSION}/end/"),
    ("post", f"/api/v1/shopper/sessions/{SESSION}/items/"),
    ("patch", f"/api/v1/shopper/sessions/{SESSION}/items/{LINE}/"),
    ("delete", f"/api/v1/shopper/sessions/{SESSION}/items/{LINE}/"),
]


def statuses(client) -> set[int]:
    return {
        getattr(client, method)(path, {}, content_type="application/json").status_code
        for method, path in CALLS
    }


def test_it_refuses_callers_without_a_token(db):
    assert statuses(Client()) == {401}


def test_it_refuses_a_staff_token(staff_client):
    assert statuses(staff_client) == {403}


def test_it_refuses_a_token_of_another_scope(db):
    from tests.onprem.auth.conftest import person

    assert statuses(bearer(person("olga", groups=("ops",)), "ops")) == {403}


def test_it_lets_a_shopper_token_in(shopper_client):
    # Past the scope check: bad bodies (400) and unknown ids (404), never 401/403.
    assert statuses(shopper_client) <= {200, 400, 404}


def test_it_keeps_shopper_tokens_out_of_the_staff_cart_api(shopper_client, cart):
    assert shopper_client.get("/api/v1/carts/").status_code == 403
