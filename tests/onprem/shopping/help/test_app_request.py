from __future__ import annotations

from onprem.shopping.models import HelpRequest

from .conftest import assist_lights, help_url, send


def test_it_opens_a_request_from_the_app_and_lists_it(ada_session, ada_app):
    made = send(ada_app, help_url(ada_session), {"reason": "I cannot reach the top shelf"})

    assert made.status_code == 201, made.content
    body = made.json()
    assert body["state"] == "open" and body["source"] == "app"
    assert body["reason"] == "I cannot reach the top shelf"
    assert body["acknowledged_by"] is None and body["status_text"] == "waiting for staff"
    listed = ada_app.get(help_url(ada_session)).json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == body["id"]
    request = HelpRequest.objects.get(pk=body["id"])
    assert request.cart.device_id == "cart-001" and request.session_id == ada_session.pk
    assert assist_lights("cart-001") == [True]


def test_it_refuses_a_reason_that_is_blank_or_too_long(ada_session, ada_app):
    for reason in ("", "   ", "x" * 201, 0, None, ["help"]):
        refused = send(ada_app, help_url(ada_session), {"reason": reason})
        assert refused.status_code == 400, reason
        assert "reason" in refused.json()["fields"]
    missing = send(ada_app, help_url(ada_session), {})
    assert missing.status_code == 400 and "reason" in missing.json()["fields"]
    assert not HelpRequest.objects.exists() and assist_lights("cart-001") == []


def test_it_refuses_help_on_an_ended_session(ada_session, ada_app):
    ada_session.state, ada_session.open_cart, ada_session.open_shopper = "paid", None, None
    ada_session.save()

    refused = send(ada_app, help_url(ada_session), {"reason": "where is the exit?"})

    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("this session has ended")


def test_it_caps_the_requests_waiting_in_one_session(ada_session, ada_app):
    for n in range(5):
        assert send(ada_app, help_url(ada_session), {"reason": f"ask {n}"}).status_code == 201

    refused = send(ada_app, help_url(ada_session), {"reason": "ask 6"})

    assert refused.status_code == 409 and "5 help requests waiting" in refused.json()["detail"]
    assert assist_lights("cart-001") == [True]
