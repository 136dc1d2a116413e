"""Another shopper's session, and its lines, answer exactly as ids that do not exist."""

from __future__ import annotations

import uuid

import pytest

from tests.onprem.shopping.conftest import MILK, scan

NOT_YOURS = {"error": "not_found", "detail": "You have no shopping session with this id."}


@pytest.fixture
def line_id(shopper_client, session) -> str:
    return scan(shopper_client, session, MILK).json()["line"]["id"]


def calls(session_id, line_id) -> list[tuple[str, str, dict | None]]:
    base = f"/api/v1/shopper/sessions/{session_id}/"
    return [
        ("get", base, None),
        ("post", f"{base}end/", None),
        ("post", f"{base}items/", {"barcode": MILK}),
        ("patch", f"{base}items/{line_id}/", {"quantity": 2}),
        ("delete", f"{base}items/{line_id}/", {}),
    ]


def call(client, method: str, path: str, body):
    return getattr(client, method)(path, body, content_type="application/json")


def test_it_answers_404_for_every_call_on_another_shoppers_session(other_client, session, line_id):
    for method, path, body in calls(session.pk, line_id):
        response = call(other_client, method, path, body)
        assert (method, path, response.status_code, response.json()) == (
            method,
            path,
            404,
            NOT_YOURS,
        )


def test_it_answers_the_same_for_an_id_that_does_not_exist(shopper_client, session, line_id):
    for method, path, body in calls(uuid.uuid4(), line_id):
        response = call(shopper_client, method, path, body)
        assert (path, response.status_code, response.json()) == (path, 404, NOT_YOURS)


def test_it_answers_404_for_a_line_of_another_basket(
    shopper_client, other_client, other_shopper, session, line_id, second_cart
):
    theirs = other_client.post(
        "/api/v1/shopper/sessions/",
        {"cart_code": second_cart.pairing_code},
        content_type="application/json",
    ).json()
    path = f"/api/v1/shopper/sessions/{theirs['id']}/items/{line_id}/"

    assert call(other_client, "patch", path, {"quantity": 2}).status_code == 404
    assert call(other_client, "delete", path, {}).status_code == 404
    assert call(other_client, "delete", path, {}).json()["detail"] == (
        "this basket has no line with this id"
    )
