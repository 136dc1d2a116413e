"""The cart's help button over the real broker: the event reaches a real ingest, shopping
makes the request inside ingest's batch, and the alert is raised in the ingest process; the
same event published again raises nothing more; staff acknowledging the alert over the API
acknowledge the request the shopper sees."""

from __future__ import annotations

from onprem.alerts.models import Alert
from onprem.shopping.help import HELP_EVENT
from onprem.shopping.models import HelpRequest

from .conftest import T0, publish, send, topic, wait_until


def test_the_help_button_raises_one_alert_and_staff_acknowledge_it(
    ada_session, staff, ingest_process, store_id, broker_client
):
    press = {"schema": "event/1", "device": "cart-001", "boot_id": "boot-a", "seq": 3,
             "ts": T0.isoformat().replace("+00:00", "Z"), "event": HELP_EVENT, "data": {}}

    publish(broker_client, topic("cart", "cart-001", "event", store_id), press)
    alert = wait_until(lambda: Alert.objects.filter(kind="help").first(), "a help alert")
    publish(broker_client, topic("cart", "cart-001", "event", store_id), press)  # delivered again
    publish(broker_client, topic("cart", "cart-001", "event", store_id), {**press, "seq": 4})  # pressed again
    wait_until(lambda: Alert.objects.filter(kind="help").count() == 2, "the second press's alert")

    done = send(staff, f"/api/v1/alerts/{alert.pk}/acknowledge/")

    assert done.status_code == 200 and done.json()["acknowledged_by"] == "Anna"
    request = HelpRequest.objects.get(pk=alert.help_request_id)
    assert (request.session_id, request.state, request.acknowledged_by.first_name) == (
        ada_session.pk, "acknowledged", "Anna")
    assert HelpRequest.objects.count() == Alert.objects.filter(kind="help").count() == 2
