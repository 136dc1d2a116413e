from __future__ import annotations

import pytest

from onprem.shopping.models import BasketLine, ShoppingSession
from onprem.shopping.sessions import end_session
from tests.onprem.shopping.conftest import MILK, scan


@pytest.fixture
def line_id(shopper_client, session) -> str:
    return scan(shopper_client, session, MILK).json()["line"]["id"]


def changes(client, session, line_id) -> list:
    base = f"/api/v1/shopper/sessions/{session.pk}/items/"
    return [
        scan(client, session, MILK),
        client.patch(f"{base}{line_id}/", {"quantity": 4}, content_type="application/json"),
        client.delete(f"{base}{line_id}/"),
    ]


def test_it_refuses_every_change_while_paying(shopper_client, session, line_id):
    ShoppingSession.objects.filter(pk=session.pk).update(state="paying")

    for response in changes(shopper_client, session, line_id):
        assert (response.status_code, response.json()) == (
            409,
            {"error": "conflict", "detail": "the basket is frozen while paying"},
        )
    assert ShoppingSession.objects.get(pk=session.pk).basket_version == 1
    assert BasketLine.objects.get().quantity == 1


def test_it_refuses_every_change_once_the_session_ended(shopper_client, session, line_id):
    end_session(session=session, state="abandoned", reason="ended by the shopper")

    for response in changes(shopper_client, session, line_id):
        assert (response.status_code, response.json()["detail"]) == (
            409,
            "this session has ended",
        )


def test_it_takes_changes_again_when_a_payment_failed(shopper_client, session, line_id):
    ShoppingSession.objects.filter(pk=session.pk).update(state="paying")
    ShoppingSession.objects.filter(pk=session.pk).update(state="active")

    assert scan(shopper_client, session, MILK).status_code == 201
