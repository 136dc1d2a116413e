from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from onprem.uplink.client import tunnel_url


@pytest.mark.parametrize(
    ("cloud_url", "expected"),
    [
        ("ws://127.0.0.1:8100", "ws://127.0.0.1:8100/ws/tunnel/v1/"),
        ("http://cloud.example:8100/", "ws://cloud.example:8100/ws/tunnel/v1/"),
        ("https://cloud.example/chain", "wss://cloud.example/chain/ws/tunnel/v1/"),
        ("wss://cloud.example", "wss://cloud.example/ws/tunnel/v1/"),
    ],
)
def test_it_builds_the_tunnel_url_from_the_cloud_url(cloud_url, expected):
    assert tunnel_url(cloud_url) == expected


def test_it_refuses_to_start_without_a_store_key(settings):
    settings.CLOUD_STORE_KEY = ""

    with pytest.raises(CommandError, match="SMARTCART_CLOUD_STORE_KEY is not set"):
        call_command("uplink")


def test_it_refuses_a_backoff_cap_below_one_second(settings):
    settings.CLOUD_STORE_KEY = "k" * 32

    with pytest.raises(CommandError, match="--max-backoff must be at least 1 second"):
        call_command("uplink", "--max-backoff", "0.5")
