from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.integrations.cashless.client import terminal_url, tls_verify
from onprem.integrations.cashless.errors import DecimalPlacesMismatchError
from smartcart.envconf import ConfigError


def test_it_gives_a_terminal_url_without_port_the_documented_one():
    assert terminal_url("http://10.10.10.10") == "http://10.10.10.10:8080"
    assert terminal_url("https://10.10.10.10/") == "https://10.10.10.10:9443"
    assert terminal_url("http://10.10.10.10:18080") == "http://10.10.10.10:18080"


def test_it_rejects_a_verify_tls_value_that_is_no_boolean_nor_file():
    assert tls_verify("false") is False
    with pytest.raises(ConfigError, match="neither true/false nor a CA file"):
        tls_verify("/no/such/ca.pem")


def test_it_refuses_more_decimal_places_than_the_device_allows(client):
    assert client.credits("2.1") == Decimal("2.10")
    with pytest.raises(DecimalPlacesMismatchError, match="more than the device's 2 decimal places"):
        client.credits("2.105")
