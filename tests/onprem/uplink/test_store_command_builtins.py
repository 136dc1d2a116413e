from __future__ import annotations

from datetime import datetime

from onprem.fleet.services import provision_device

from .store_commands_support import ack_for


def test_it_answers_ping_with_the_store_its_clock_and_version(transactional_db, store_id):
    answer = ack_for("ping")

    result = answer["body"]["result"]
    assert answer["body"]["state"] == "done"
    assert result["store"] == store_id and result["version"] == "0.1.0"
    assert datetime.fromisoformat(result["time"]).tzinfo is not None


def test_it_answers_fleet_summary_with_the_store_counts(transactional_db):
    provision_device(kind="cart", device_id="cart-001")
    provision_device(kind="rack", device_id="rack-01", slot_count=2)

    answer = ack_for("fleet.summary")

    assert answer["body"]["state"] == "done"
    assert answer["body"]["result"]["carts"]["total"] == 1
    assert answer["body"]["result"]["racks"] == {"total": 1, "online": 0, "offline": 1}
