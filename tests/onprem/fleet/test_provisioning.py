from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from onprem.fleet.credentials import check_password
from onprem.fleet.models import Cart, Rack
from onprem.fleet.services import FleetError, export_mosquitto, provision_device


def test_it_creates_a_rack_with_its_slots_and_credentials(db):
    issued = provision_device(kind="rack", device_id="rack-07", slot_count=12)

    rack = Rack.objects.get(device_id="rack-07")
    assert rack.slots.count() == 12
    assert check_password(issued.password, rack.mqtt_password_hash)
    assert not check_password("wrong", rack.mqtt_password_hash)


def test_it_refuses_a_device_id_twice_or_a_bad_one(db):
    provision_device(kind="cart", device_id="cart-001")
    with pytest.raises(FleetError, match="already provisioned"):
        provision_device(kind="cart", device_id="cart-001")
    with pytest.raises(FleetError, match="must be 1-64 characters"):
        provision_device(kind="cart", device_id="cart/+")


def test_the_command_prints_credentials_as_json(db, capsys):
    call_command("provision", "cart", "cart-010", "cart-011", "--json")

    issued = json.loads(capsys.readouterr().out)
    assert set(issued) == {"cart-010", "cart-011"}
    assert check_password(issued["cart-010"]["password"], Cart.objects.get(device_id="cart-010").mqtt_password_hash)


def test_the_command_fails_with_a_sentence(db):
    with pytest.raises(CommandError, match="a rack has 1 to 64 slots"):
        call_command("provision", "rack", "rack-01", "--slots", "0")


def test_it_exports_a_mosquitto_password_file_and_acl(db, tmp_path):
    provision_device(kind="cart", device_id="cart-001")
    export_mosquitto(passwd_path=tmp_path / "passwd", acl_path=tmp_path / "acl", service_users={"ingest": "s3cret"})

    lines = (tmp_path / "passwd").read_text().split()
    assert lines[0].startswith("cart-001:$7$101$")
    assert "topic write smartcart/store-001/cart/cart-001/telemetry" in (tmp_path / "acl").read_text()
    assert "topic read smartcart/store-001/cart/cart-001/cmd" in (tmp_path / "acl").read_text()
