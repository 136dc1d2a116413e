from __future__ import annotations

from cloud.commands.models import StoreCommand

COMMANDS = "/api/v1/stores/store-001/commands/"


def test_it_refuses_an_unknown_command_name_with_the_known_ones(ops_api, store_key):
    response = ops_api.post(COMMANDS, {"name": "reboot"}, format="json")

    assert response.status_code == 400
    assert response.json()["fields"]["name"] == [
        "unknown store command 'reboot': the known commands are action.health, action.logs, "
        "action.restart, action.status, action.support_bundle, device.command, erp.sync, "
        "fleet.summary, ping"
    ]
    assert not StoreCommand.objects.exists()


def test_it_refuses_bad_args_with_a_sentence(ops_api, store_key):
    bad = [
        ({"name": "ping", "args": {"now": True}}, "ping takes no arguments, got now"),
        (
            {"name": "device.command", "args": {"kind": "boat", "device_id": "c1", "command": "x"}},
            "device.command kind must be one of cart, rack, not 'boat'",
        ),
        (
            {"name": "erp.sync", "args": {"full": "yes"}},
            "erp.sync full must be true or false, not 'yes'",
        ),
    ]
    for body, sentence in bad:
        response = ops_api.post(COMMANDS, body, format="json")
        assert response.status_code == 400, body
        assert response.json()["fields"]["name"] == [sentence]
    assert not StoreCommand.objects.exists()


def test_it_refuses_a_ttl_out_of_range(ops_api, store_key):
    response = ops_api.post(COMMANDS, {"name": "ping", "ttl_s": 0}, format="json")

    assert response.status_code == 400 and "ttl_s" in response.json()["fields"]


def test_it_refuses_the_campaigns_own_commands_by_hand(ops_api, store_key):
    for name in ("ota.campaign", "ota.release"):
        response = ops_api.post(COMMANDS, {"name": name, "args": {}}, format="json")
        assert response.status_code == 400
        assert "unknown store command" in response.json()["fields"]["name"][0]
    assert not StoreCommand.objects.exists()
