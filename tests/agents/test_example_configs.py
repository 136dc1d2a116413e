from __future__ import annotations

import pytest

from cart_agent import config as cart_config
from rack_agent import config as rack_config
from rack_agent.technician import hash_password
from smartcart.envconf import ConfigError
from tests.conftest import ROOT

EXAMPLES = ROOT / "deploy" / "agents"


@pytest.fixture
def on_a_device(tmp_path) -> dict[str, str]:
    """What a device adds to the example: its CA file and release keys (the example's paths
    are the device's)."""
    ca = tmp_path / "store-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    keys = tmp_path / "release-keys"
    keys.mkdir()
    return {"SMARTCART_AGENT_TLS_CA": str(ca), "SMARTCART_AGENT_TRUST": str(keys)}


def test_it_names_the_store_the_demo_and_provisioning_use(on_a_device):
    cart = cart_config.load(["--config", str(EXAMPLES / "cart-agent.toml")], env=on_a_device)
    rack = rack_config.load(
        ["--config", str(EXAMPLES / "rack-agent.toml")],
        env={**on_a_device, "SMARTCART_AGENT_HTTP_PASSWORD_HASH": hash_password("slot-key-42")},
    )
    assert cart.agent.store == rack.agent.store == "store-001"
    assert rack.http_host == "127.0.0.1" and rack.http_port == 8080


def test_it_makes_the_rack_example_set_a_technician_password_first(on_a_device):
    with pytest.raises(ConfigError, match="http_password_hash in .*rack-agent.toml must be a"):
        rack_config.load(["--config", str(EXAMPLES / "rack-agent.toml")], env=on_a_device)
