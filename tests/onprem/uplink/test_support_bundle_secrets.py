"""A support bundle leaves the store: no key, password or token may be in it, anywhere."""

from __future__ import annotations

import json
import tarfile

import pytest

from onprem.uplink.actions import ACTIONS

from .remote_actions import demo_table

SECRETS = {
    "SECRET_KEY": "django-secret-Zq81hf7s6df87sdf6sd8f7s6df",
    "CLOUD_STORE_KEY": "store-key-PLJ2c9e1a7b3",
    "ERP_TOKEN": "erp-token-77aa88bb99cc",
    "CASHLESS_PASSWORD": "cashless-pw-Hunter22",
    "CASHLESS_EVENT_SECRET": "event-secret-0a1b2c3d4e5f6g7h",
}
MQTT_PASSWORD = "mqtt-pw-b0b0b0b0"
BEARER = "a1B2c3D4e5F6g7H8i9J0"


@pytest.fixture
def bundle(db, tmp_path, settings) -> dict:
    for name, value in SECRETS.items():
        setattr(settings, name, value)
    settings.MQTT_URL = f"mqtt://ingest-1:{MQTT_PASSWORD}@broker.store:1883"
    settings.MQTT = {**settings.MQTT, "username": "ingest-1", "password": MQTT_PASSWORD}
    settings.SUPPORT_BUNDLE_DIR = tmp_path / "bundles"
    settings.COMPONENTS = demo_table(tmp_path)
    settings.COMPONENTS["uplink"].log.write_text(
        f"connecting with key {SECRETS['CLOUD_STORE_KEY']}\n"
        f"GET /api/v1/carts/ Authorization: Bearer {BEARER}\n"
        f"erp said: bad token {SECRETS['ERP_TOKEN']}\n"
        f"mqtt://ingest-1:{MQTT_PASSWORD}@broker.store:1883 refused\n"
    )
    result = ACTIONS["action.support_bundle"]({})
    with tarfile.open(settings.SUPPORT_BUNDLE_DIR / f"{result['bundle_id']}.tar.gz") as tar:
        return {m.name: tar.extractfile(m).read().decode() for m in tar.getmembers()}


def test_it_leaves_no_secret_value_in_any_file(bundle):
    everything = "\n".join(bundle.values())

    for secret in [*SECRETS.values(), MQTT_PASSWORD, BEARER]:
        assert secret not in everything


def test_it_shows_which_settings_were_hidden(bundle):
    settings = json.loads(bundle["settings.json"])

    assert {name: settings[name] for name in SECRETS} == dict.fromkeys(SECRETS, "***")
    assert settings["MQTT"]["password"] == "***"
    assert settings["MQTT_URL"] == "mqtt://ingest-1:***@broker.store:1883"
    assert settings["MQTT"]["host"] == settings["MQTT"]["host"]  # the rest stays readable
    assert settings["STORE_ID"] and settings["INGEST_BATCH_SIZE"] == 500


def test_it_keeps_the_log_lines_with_the_secrets_cut_out(bundle):
    assert bundle["logs/uplink.log"].splitlines() == [
        "connecting with key ***",
        "GET /api/v1/carts/ Authorization: Bearer ***",
        "erp said: bad token ***",
        "mqtt://ingest-1:***@broker.store:1883 refused",
    ]
