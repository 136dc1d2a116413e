from __future__ import annotations

import uuid

from onprem.shopping.barcodes import weighed_barcode
from onprem.shopping.models import ShoppingSession
from tests.onprem.shopping.conftest import BANANAS_PREFIX, MILK, WINE, scan


def line_path(session, line_id) -> str:
    return f"/api/v1/shopper/sessions/{session.pk}/items/{line_id}/"


def patch(client, session, line_id, body):
    return client.patch(line_path(session, line_id), body, content_type="application/json")


def version(session) -> int:
    return ShoppingSession.objects.get(pk=session.pk).basket_version


def test_it_sets_a_lines_quantity(shopper_client, session):
    line = scan(shopper_client, session, MILK).json()["line"]
    scan(shopper_client, session, WINE)

    response = patch(shopper_client, session, line["id"], {"quantity": 5})

    assert response.status_code == 200
    body = response.json()
    assert (body["line"]["quantity"], body["line"]["total"]) == ("5.000", "4.45")
    assert body["totals"]["total"] == "9.44"
    assert version(session) == 3


def test_it_refuses_to_change_a_weighed_line(shopper_client, session):
    line = scan(shopper_client, session, weighed_barcode(BANANAS_PREFIX, 754)).json()["line"]

    response = patch(shopper_client, session, line["id"], {"quantity": 2})

    assert response.status_code == 400
    assert "printed on its label" in response.json()["detail"]
    assert version(session) == 1


def test_it_refuses_a_quantity_out_of_range(shopper_client, session):
    line = scan(shopper_client, session, MILK).json()["line"]

    for quantity in (0, 100, "3"):
        response = patch(shopper_client, session, line["id"], {"quantity": quantity})
        assert response.status_code == 400
        assert "quantity" in response.json()["fields"]


def test_it_changes_nothing_for_a_patch_without_quantity(shopper_client, session):
    line = scan(shopper_client, session, MILK).json()["line"]

    response = patch(shopper_client, session, line["id"], {})

    assert response.status_code == 200
    assert response.json()["line"] == line
    assert version(session) == 1


def test_it_removes_a_line(shopper_client, session):
    line = scan(shopper_client, session, MILK).json()["line"]

    response = shopper_client.delete(line_path(session, line["id"]))

    assert response.status_code == 204
    body = shopper_client.get(f"/api/v1/shopper/sessions/{session.pk}/").json()
    assert body["lines"] == [] and body["totals"]["total"] == "0.00"
    assert body["basket_version"] == 2


def test_it_answers_404_for_a_line_that_is_not_there(shopper_client, session):
    response = shopper_client.delete(line_path(session, uuid.uuid4()))

    assert response.status_code == 404
    assert response.json()["detail"] == "this basket has no line with this id"
    assert version(session) == 0
