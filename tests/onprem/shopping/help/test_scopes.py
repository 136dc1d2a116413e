"""Who may call the help endpoints: shoppers their own sessions only, staff the staff list."""

from __future__ import annotations

import uuid

from django.test import Client

from onprem.shopping.models import HelpRequest

from .conftest import bearer, help_url, named, open_session, send


def test_it_answers_404_for_another_shoppers_session(ada_session, carts):
    ben = bearer(named("ben@example.com", "Ben"), "shopper")

    assert ben.get(help_url(ada_session)).status_code == 404
    refused = send(ben, help_url(ada_session), {"reason": "let me in"})
    missing = send(ben, f"/api/v1/shopper/sessions/{uuid.uuid4()}/help/", {"reason": "x"})
    assert send(ben, help_url(ada_session), {}).status_code == 404, "404 before any 400"

    assert refused.status_code == 404 and missing.status_code == 404
    assert refused.json() == missing.json()
    assert not HelpRequest.objects.exists()


def test_it_keeps_shoppers_out_of_the_staff_endpoints(ada_session, ada_app):
    made = send(ada_app, help_url(ada_session), {"reason": "heavy crate"}).json()

    assert ada_app.get("/api/v1/help-requests/").status_code == 403
    assert ada_app.get(f"/api/v1/help-requests/{made['id']}/").status_code == 403
    for verb in ("acknowledge", "resolve"):
        assert send(ada_app, f"/api/v1/help-requests/{made['id']}/{verb}/").status_code == 403
    assert HelpRequest.objects.get().state == "open"


def test_it_keeps_staff_tokens_from_acting_as_a_shopper(carts, anna, staff):
    # Even on a session of the staff member's own: a staff token is not a shopper token.
    own = open_session(anna, carts["cart-002"])

    assert send(staff, help_url(own), {"reason": "x"}).status_code == 403
    assert staff.get(help_url(own)).status_code == 403


def test_it_needs_a_token(ada_session):
    assert Client().get("/api/v1/help-requests/").status_code == 401
    assert send(Client(), help_url(ada_session), {"reason": "x"}).status_code == 401


def test_it_answers_404_for_unknown_help_request_ids(staff):
    for path in (f"/api/v1/help-requests/{uuid.uuid4()}/", "/api/v1/help-requests/not-a-uuid/"):
        assert staff.get(path).status_code == 404
    assert send(staff, f"/api/v1/help-requests/{uuid.uuid4()}/resolve/").status_code == 404
