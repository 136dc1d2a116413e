"""bootstrap_demo takes a password that starts with "-" (as it did for the store key)."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management import call_command


def test_it_takes_a_password_starting_with_a_dash(db, tmp_path, capsys, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    call_command(
        "bootstrap_demo",
        "--racks",
        "1",
        "--carts",
        "1",
        "--slots",
        "2",
        "--credentials",
        str(tmp_path / "devices.json"),
        "--password",
        "-dash-first-pw",
    )

    printed = json.loads(capsys.readouterr().out)
    assert printed["password"] == "-dash-first-pw"
    assert get_user_model().objects.get(username="staff").check_password("-dash-first-pw")
