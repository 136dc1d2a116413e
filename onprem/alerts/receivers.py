"""The rules run where the data arrives: after each batch ingest commits (fleet.signals
batch_stored), after the silent-device sweep (devices_went_silent), and after help requests
change (shopping.help.help_requests_changed). Connected in apps.Config.ready().

Each rule reads what it needs in a query or two per batch and writes only when an alert
changes. One rule failing is logged and the others still run: the batch is stored already.
"""

from __future__ import annotations

import logging

from . import battery, closing, presence, slots
from .help_alerts import sync_help_alerts
from .lifecycle import ActiveAlerts
from .thresholds import store_rule

log = logging.getLogger(__name__)


def on_batch_stored(*, batch, **_) -> None:
    rule, active = store_rule(), ActiveAlerts()
    carts = batch.newest_per_cart
    racks = slots.newest_rack_readings(batch.rack_readings)
    if rule.offline_enabled:
        run("offline", presence.check_statuses, batch.statuses, rule, active)
    run("back online", presence.check_telemetry, carts, racks, active)
    if rule.low_battery_enabled and carts:
        run("low battery", battery.check_low_battery, carts, rule, active)
    if rule.faults_enabled:
        run("cart faults", battery.check_cart_faults, carts, active)
        run("rack faults", battery.check_rack_faults, racks, active)
    if rule.slot_enabled:
        run("slot not charging", slots.check_slots, batch.rack_readings, rule, active)
    run("docked", closing.check_docked_in_batch, carts, racks, active)


def on_devices_went_silent(*, racks, carts, **_) -> None:
    rule = store_rule()
    if rule.offline_enabled:
        run("silent devices", presence.check_silent, racks, carts, rule)


def on_help_requests_changed(*, help_request_ids, **_) -> None:
    sync_help_alerts(help_request_ids=help_request_ids)


def run(name: str, rule, *args) -> None:
    try:
        rule(*args)
    except Exception:  # noqa: BLE001 - one rule's bug must not cost the other rules
        log.exception("alert rule %s failed on a batch", name)
