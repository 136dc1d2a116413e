"""A sync request whose body is not a JSON object is a 400 (or a 415) that says so, never a 500."""

from __future__ import annotations

from .test_staff_api import SYNC, client_with


def test_a_body_that_is_not_an_object_is_a_400(db):
    staff = client_with("staff")

    for body in ([1, 2], "full", 3, None):
        response = staff.post(SYNC, body, format="json")

        assert response.status_code == 400, body
        assert response.json()["error"] == "invalid"


def test_a_form_body_is_a_415_that_names_json(db):
    response = client_with("staff").post(
        SYNC, "kind=full", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 415
    assert "application/x-www-form-urlencoded" in response.json()["detail"]
