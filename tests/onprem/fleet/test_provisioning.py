from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from onprem.fleet.broker_access import export_mosquitto
from onprem.fleet.credentials import check_password
from onprem.fleet.models import Cart, Rack
from onprem.fleet.services import FleetError, provision_device


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


def test_it_exports_one_service_user_per_ingest_worker_reading_all_topics(db, tmp_path):
    export_mosquitto(passwd_path=tmp_path / "passwd", acl_path=tmp_path / "acl",
                     service_users={"ingest-1": "one", "ingest-2": "two"})

    hashes = dict(line.split(":", 1) for line in (tmp_path / "passwd").read_text().split())
    assert check_password("one", hashes["ingest-1"]) and check_password("two", hashes["ingest-2"])
    acl = (tmp_path / "acl").read_text()
    assert "user ingest-2\ntopic read smartcart/#\ntopic write smartcart/store-001/+/+/cmd\n" in acl


@pytest.mark.parametrize(("users", "error"), [
    ({"cart-001": "pw"}, "service user cart-001 is already a device's MQTT username"),
    ({"ingest 1": "pw"}, "service user 'ingest 1' must be 1-64 characters"),
    ({"ingest-1": ""}, "service user ingest-1 has an empty password"),
])
def test_it_refuses_a_service_user_that_would_clash_or_break_the_files(db, tmp_path, users, error):
    provision_device(kind="cart", device_id="cart-001")
    with pytest.raises(FleetError, match=error):
        export_mosquitto(passwd_path=tmp_path / "passwd", acl_path=tmp_path / "acl", service_users=users)
    assert not (tmp_path / "passwd").exists()


@pytest.mark.parametrize(("args", "error"), [
    (["--service-user", "ingest-1"], "--service-user takes USER:PASSWORD"),
    (["--service-user", "ingest:a", "--service-user", "ingest:b"], "--service-user ingest is given twice"),
    (["--service-user", "cart-001:pw"], "already a device's MQTT username"),
])
def test_the_export_command_fails_with_a_sentence(db, tmp_path, args, error):
    provision_device(kind="cart", device_id="cart-001")
    with pytest.raises(CommandError, match=error):
        call_command("export_mosquitto", "--passwd", str(tmp_path / "passwd"), "--acl", str(tmp_path / "acl"), *args)
