from __future__ import annotations

from onprem.shopping import help
from onprem.shopping.models import HelpRequest
from onprem.shopping.sessions import end_session

from .conftest import assist_lights, help_url, send
from .test_cart_button import ingest, pressed


def test_it_resolves_a_sessions_requests_when_it_ends(ada_session, ada_app, staff):
    for reason in ("heavy crate", "and the water"):
        send(ada_app, help_url(ada_session), {"reason": reason})
    made = ada_app.get(help_url(ada_session)).json()["results"]
    send(staff, f"/api/v1/help-requests/{made[0]['id']}/acknowledge/")

    resolved = help.resolve_for_session(session=ada_session, reason="paid")

    assert resolved == 2
    assert set(HelpRequest.objects.values_list("state", flat=True)) == {"resolved"}
    assert assist_lights("cart-001") == [True, False]
    assert help.resolve_for_session(session=ada_session, reason="paid") == 0
    assert assist_lights("cart-001") == [True, False]


def test_it_keeps_the_light_on_for_a_button_press_without_a_session(ada_session, ada_app):
    send(ada_app, help_url(ada_session), {"reason": "heavy crate"})
    ada_session.open_cart = None  # the session is on its way out: the cart is free
    ada_session.save()
    ingest(pressed("cart-001", 0))  # someone else presses the button meanwhile

    help.resolve_for_session(session=ada_session, reason="abandoned")

    assert HelpRequest.objects.filter(state="open", session=None).count() == 1
    assert assist_lights("cart-001") == [True], "a request without a session still waits"


def test_it_resolves_the_requests_when_the_shopper_gives_up(ada_session, ada_app):
    made = send(ada_app, help_url(ada_session), {"reason": "heavy crate"}).json()

    end_session(session=ada_session, state="abandoned", reason="ended by the shopper")

    assert HelpRequest.objects.get(pk=made["id"]).state == "resolved"
    assert assist_lights("cart-001") == [True, False]
    shown = ada_app.get(help_url(ada_session)).json()["results"]
    assert [(r["state"], r["status_text"]) for r in shown] == [("resolved", "resolved")]
