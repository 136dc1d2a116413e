"""`smartcart simulate --shoppers N` says what it is missing instead of starting half a store."""

from __future__ import annotations

import json

from simulator import main


def test_it_refuses_shoppers_without_the_api_and_the_apps_client(capsys, tmp_path):
    argv = ["--store", "s1", "--mqtt", "mqtt://127.0.0.1:1", "--shoppers", "2"]
    assert main([*argv, "--outbox-dir", str(tmp_path)]) == 2
    assert "--shoppers needs --api, --client-id, --redirect-uri" in capsys.readouterr().err


def test_it_refuses_shoppers_without_the_carts_pairing_codes(capsys, tmp_path):
    credentials = tmp_path / "credentials.json"
    credentials.write_text(json.dumps({"cart-001": {"username": "c1", "password": "p"}}))
    argv = [
        "--store",
        "s1",
        "--mqtt",
        "mqtt://127.0.0.1:1",
        "--shoppers",
        "2",
        "--carts",
        "1",
        "--credentials",
        str(credentials),
        "--api",
        "http://127.0.0.1:1",
        "--client-id",
        "app",
        "--redirect-uri",
        "http://127.0.0.1:8765/callback",
        "--outbox-dir",
        str(tmp_path),
    ]
    assert main(argv) == 2
    assert "--shoppers needs --credentials with a pairing_code per cart" in capsys.readouterr().err
