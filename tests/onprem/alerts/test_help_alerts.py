"""A shopper's help request is an alert: raised from the app and from the cart's button,
on top until acknowledged, and kept in step both ways — acknowledging or resolving the alert
does it to the request, staff answering the request in /api/v1/help-requests/ moves the alert,
and a session that ends clears it (by nobody)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from onprem.alerts import services
from onprem.alerts.models import Alert
from onprem.fleet.ingest import Message
from onprem.shopping import help as shopping_help
from onprem.shopping.models import HelpRequest
from onprem.shopping.sessions import end_session
from tests.onprem.shopping.help.conftest import help_url

from .conftest import T0, alerts, cart_body, ingest, send, telemetry, topic

# Shopping tells alerts after commit, as in production: these tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def ask(ada_app, session) -> HelpRequest:
    response = ada_app.post(help_url(session), {"reason": "top shelf"}, content_type="application/json")
    assert response.status_code == 201
    return HelpRequest.objects.get(pk=response.json()["id"])


def fault_on_cart_002() -> None:
    """A critical alert raised after the help request: newer, as urgent by severity."""
    ingest(telemetry(cart_body("cart-002", seq=1, health="fault", faults=("M4",))))


def test_a_request_from_the_app_raises_a_help_alert_on_top_of_the_list(ada_session, ada_app):
    request = ask(ada_app, ada_session)
    fault_on_cart_002()

    help_alert = alerts("help")[0]
    assert (help_alert.help_request_id, help_alert.device_id, help_alert.severity) == (request.pk, "cart-001",
                                                                                     "critical")
    assert [a.kind for a in services.active_alerts()] == ["help", "fault"]
    summary = json.loads(json.dumps(services.alert_summary(help_alert)))  # JSON-safe as it is
    assert summary["is_help"] and summary["title"] == "Help requested at cart-001"
    assert (summary["state"], summary["acknowledged_by"], summary["raised_at"]) == (
        "open", None, help_alert.raised_at.isoformat())
    assert summary["detail"] == "top shelf"


def test_acknowledging_the_alert_acknowledges_the_request_and_it_takes_its_place(ada_session, ada_app, anna):
    request = ask(ada_app, ada_session)
    fault_on_cart_002()

    services.acknowledge(alerts("help")[0], anna)

    request.refresh_from_db()
    assert (request.state, request.acknowledged_by) == ("acknowledged", anna)
    assert ada_app.get(help_url(ada_session)).json()["results"][0]["status_text"] == "acknowledged by Anna"
    assert [a.kind for a in services.active_alerts()] == ["fault", "help"]
    assert services.alert_summary(alerts("help")[0])["acknowledged_by"] == "Anna"


def test_staff_answering_the_request_move_the_alert(ada_session, ada_app, staff, anna):
    request = ask(ada_app, ada_session)

    assert send(staff, f"/api/v1/help-requests/{request.pk}/acknowledge/").status_code == 200
    alert = alerts("help")[0]
    assert (alert.state, alert.acknowledged_by) == ("acknowledged", anna)

    assert send(staff, f"/api/v1/help-requests/{request.pk}/resolve/").status_code == 200
    alert.refresh_from_db()
    assert (alert.state, alert.resolved_by, alert.active_key) == ("resolved", anna, None)


def test_resolving_the_alert_resolves_the_request(ada_session, ada_app, anna):
    request = ask(ada_app, ada_session)

    services.resolve(alerts("help")[0], anna)

    request.refresh_from_db()
    assert (request.state, request.resolved_by) == ("resolved", anna)


def test_a_session_that_ends_clears_its_help_alert_by_nobody(ada_session, ada_app):
    ask(ada_app, ada_session)

    end_session(session=ada_session, state="abandoned", reason="abandoned by staff")

    [alert] = alerts("help")
    assert (alert.state, alert.resolved_by, bool(alert.resolved_at)) == ("resolved", None, True)


def test_the_cart_button_pressed_once_and_delivered_twice_raises_one_alert(carts):
    ingest(telemetry(cart_body()))
    press = help_event()

    ingest(press)
    ingest(press)

    assert HelpRequest.objects.count() == 1
    [alert] = alerts("help")
    assert alert.data["source"] == "cart_button" and alert.device_id == "cart-001"


def test_acknowledging_a_request_resolved_meanwhile_is_refused(ada_session, ada_app, anna):
    request = ask(ada_app, ada_session)
    alert = alerts("help")[0]
    # As if the alert's row had not heard yet: the request is resolved behind its back.
    HelpRequest.objects.filter(pk=request.pk).update(state="resolved")

    try:
        services.acknowledge(alert, anna)
        refused = None
    except services.AlertRefused as exc:
        refused = str(exc)

    assert refused == "this help request is already resolved"
    assert Alert.objects.get(pk=alert.pk).state == "open"


def help_event() -> Message:
    body = {"schema": "event/1", "device": "cart-001", "boot_id": "boot-a", "seq": 7,
            "ts": T0.isoformat().replace("+00:00", "Z"), "event": shopping_help.HELP_EVENT, "data": {}}
    return Message(topic("cart", "cart-001", "event"), json.dumps(body).encode(), datetime.now(UTC))

