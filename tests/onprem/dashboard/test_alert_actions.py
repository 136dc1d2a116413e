"""Acknowledge and resolve from the dashboard: who did it is recorded by the alerts app; the
alerts page lists active and resolved alerts."""

from __future__ import annotations

from onprem.alerts.models import Alert


def fault_alert(device: str = "cart-001") -> Alert:
    key = f"fault:{device}:E12"
    return Alert.objects.create(kind="fault", severity="critical", device_kind="cart", device_id=device,
                                key=key, active_key=key, data={"faults": ["E12"]})


def test_acknowledge_from_the_alerts_page_records_who(store, staff_client):
    alert = fault_alert()
    page = staff_client.get("/dashboard/alerts/").content.decode()
    assert f'id="alert-{alert.pk}"' in page

    response = staff_client.post(f"/dashboard/alerts/{alert.pk}/acknowledge/", {"next": "/dashboard/alerts/"})

    assert (response.status_code, response["Location"]) == (302, "/dashboard/alerts/")
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == ("acknowledged", staff_client.user)


def test_the_live_page_buttons_get_the_alert_back_as_json(store, staff_client):
    alert = fault_alert()

    response = staff_client.post(f"/dashboard/alerts/{alert.pk}/resolve/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["state"]) == (alert.pk, "resolved")
    assert f'id="alert-{alert.pk}"' in staff_client.get("/dashboard/alerts/").content.decode()  # in resolved


def test_acknowledging_a_resolved_alert_is_a_409_with_the_reason(store, staff_client):
    alert = fault_alert()
    staff_client.post(f"/dashboard/alerts/{alert.pk}/resolve/")

    response = staff_client.post(f"/dashboard/alerts/{alert.pk}/acknowledge/")

    assert response.status_code == 409
    assert "already resolved" in response.content.decode()


def test_unknown_alerts_and_actions_are_404s(store, staff_client):
    alert = fault_alert()
    assert staff_client.post("/dashboard/alerts/999999/acknowledge/").status_code == 404
    assert staff_client.post(f"/dashboard/alerts/{alert.pk}/delete/").status_code == 404


def test_non_staff_cannot_act_on_alerts(store, shopper_client):
    alert = fault_alert()

    assert shopper_client.post(f"/dashboard/alerts/{alert.pk}/acknowledge/").status_code == 403
    alert.refresh_from_db()
    assert alert.state == "open"
