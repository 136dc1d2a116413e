"""ota.install is the update worker's: sent by hand it would skip the install gates, the job
and its audit, so staff (and the cloud's device relay) are pointed at the update endpoint."""

from __future__ import annotations

import pytest

from onprem.commands.models import Command
from onprem.commands.services import CommandError, request_command

from .conftest import send

ARGS = {"job": "j-1", "manifest": {}, "url": "http://127.0.0.1:8000/x"}


def test_it_refuses_ota_install_from_the_staff_api(fleet, staff):
    refused = send(
        staff, "/api/v1/carts/cart-001/commands/", {"command": "ota.install", "args": ARGS}
    )

    assert refused.status_code == 400
    assert "POST /api/v1/carts/<device_id>/update/" in str(refused.json())
    assert not Command.objects.exists()


def test_it_refuses_ota_install_from_any_caller_but_the_worker(fleet):
    with pytest.raises(CommandError, match="sent by the store's update worker"):
        request_command(
            kind="rack", device_id="rack-01", command="ota.install", args=ARGS, requested_by="ops"
        )

    request_command(
        kind="cart",
        device_id="cart-001",
        command="ota.install",
        args=ARGS,
        requested_by="worker",
        internal=True,
    )
    assert Command.objects.get().command == "ota.install"
