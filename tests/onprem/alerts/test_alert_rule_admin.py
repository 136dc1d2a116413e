"""Each store's rules are edited in the admin; alerts are shown there read-only, and the
admin's actions acknowledge and resolve through the same verbs as the dashboard."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from onprem.alerts.models import Alert, AlertRule
from onprem.alerts.thresholds import store_rule
from onprem.fleet.services import current_store
from tests.oauth_flows import signed_in

from .conftest import ingest, status


def admin_client():
    """Rita, a superuser signed in to the admin."""
    return signed_in(get_user_model().objects.create_superuser("root", "root@example.com", None, first_name="Rita"))


def test_a_store_without_a_rule_uses_the_defaults(db):
    rule = store_rule()

    assert rule.pk is None
    assert (rule.low_battery_percent, rule.low_battery_hysteresis, rule.flap_window_minutes) == (20, 5, 10)
    assert (rule.closing_time.hour, rule.slot_minutes, rule.slot_full_percent) == (21, 10, 95)


def test_staff_edit_a_stores_rule_in_the_admin(db):
    browser = admin_client()
    store = current_store()

    page = browser.get("/admin/alerts/alertrule/add/")
    saved = browser.post("/admin/alerts/alertrule/add/", {
        "store": store.pk, "low_battery_enabled": "on", "low_battery_percent": 25, "low_battery_hysteresis": 3,
        "offline_enabled": "on", "flap_window_minutes": 5, "faults_enabled": "on", "help_enabled": "on",
        "closing_enabled": "on", "closing_time": "22:00", "slot_enabled": "on", "slot_min_current": 0.3,
        "slot_full_percent": 90, "slot_minutes": 15,
    })

    assert page.status_code == 200 and b"flap window" in page.content.lower()
    assert saved.status_code == 302, saved.content[:2000]
    rule = store_rule()
    assert (rule.low_battery_percent, rule.flap_window_minutes, rule.slot_minutes) == (25, 5, 15)
    assert AlertRule.objects.count() == 1


def test_alerts_are_read_only_and_the_actions_use_the_verbs(fleet):
    ingest(status("cart-001", "offline"))
    alert = Alert.objects.get()
    browser = admin_client()

    listing = browser.get("/admin/alerts/alert/")
    change = browser.post(f"/admin/alerts/alert/{alert.pk}/change/", {"state": "resolved"})
    acted = browser.post("/admin/alerts/alert/", {"action": "acknowledge_selected", "_selected_action": [alert.pk]})

    assert listing.status_code == 200 and b"cart-001" in listing.content
    assert browser.get("/admin/alerts/alert/add/").status_code == 403
    assert change.status_code == 403
    assert acted.status_code == 302
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by.first_name) == ("acknowledged", "Rita")
