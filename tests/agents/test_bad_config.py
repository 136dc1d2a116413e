from __future__ import annotations

import subprocess
import sys

import pytest

from tests.agents.conftest import agent_env


@pytest.mark.parametrize(
    ("module", "extra", "sentence"),
    [
        ("cart_agent", {"interval": "soon"}, "SMARTCART_AGENT_INTERVAL='soon' is not a number"),
        (
            "cart_agent",
            {"mqtt_url": "http://broker"},
            "SMARTCART_AGENT_MQTT_URL='http://broker' must look like mqtt://",
        ),
        (
            "cart_agent",
            {"device": "cart/1"},
            "SMARTCART_AGENT_DEVICE: device 'cart/1' must be 1-64 characters",
        ),
        (
            "rack_agent",
            {"slots": "0"},
            "SMARTCART_AGENT_SLOTS='0' must be a whole number between 1 and 64",
        ),
        (
            "rack_agent",
            {"hardware": "nfc9000"},
            "SMARTCART_AGENT_HARDWARE='nfc9000' is not a known driver",
        ),
        (
            "rack_agent",
            {"http_port": "8080", "http_password_hash": "hunter2"},
            "SMARTCART_AGENT_HTTP_PASSWORD_HASH must be a pbkdf2_sha256$<iterations>$<salt>$<hash>",
        ),
    ],
)
def test_it_exits_non_zero_naming_the_bad_variable(tmp_path, module, extra, sentence):
    env = agent_env("mqtt://127.0.0.1:1", "s1", "dev-1", tmp_path / "o.sqlite3")
    env.update({f"SMARTCART_AGENT_{key.upper()}": value for key, value in extra.items()})
    done = subprocess.run(
        [sys.executable, "-m", module], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert sentence in done.stderr
    assert "Traceback" not in done.stderr


def test_it_names_an_unknown_key_in_the_config_file(tmp_path):
    config = tmp_path / "cart.toml"
    config.write_text('store = "s1"\ndevice = "cart-001"\nintreval = 5\n')
    env = agent_env("mqtt://127.0.0.1:1", "s1", "cart-001", tmp_path / "o.sqlite3")
    done = subprocess.run(
        [sys.executable, "-m", "cart_agent", "--config", str(config)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert f"config file {config} has unknown key 'intreval'" in done.stderr


def test_it_says_which_setting_is_missing(tmp_path):
    env = agent_env("mqtt://127.0.0.1:1", "s1", "cart-001", tmp_path / "o.sqlite3")
    del env["SMARTCART_AGENT_STORE"]
    done = subprocess.run(
        [sys.executable, "-m", "cart_agent"], env=env, capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 2
    assert "store is required: set SMARTCART_AGENT_STORE" in done.stderr
