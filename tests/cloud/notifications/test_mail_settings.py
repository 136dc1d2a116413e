"""Which mail backend SMARTCART_EMAIL_* give, and a sentence when a value is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloud.notifications.mailconf import email_settings
from smartcart.envconf import ConfigError

VARS = ("URL", "BACKEND", "FROM", "PASSWORD", "PASSWORD_FILE", "TIMEOUT_SECONDS")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in VARS:
        monkeypatch.delenv(f"SMARTCART_EMAIL_{name}", raising=False)


def test_it_writes_files_under_var_by_default():
    got = email_settings(Path("/srv/var"))

    assert got["EMAIL_BACKEND"].endswith("filebased.EmailBackend")
    assert got["EMAIL_FILE_PATH"] == "/srv/var/mail"


def test_it_sends_through_smtp_when_a_url_is_set(monkeypatch, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("SMARTCART_EMAIL_URL", "smtps://alerts%40shop.example@mail.example")
    monkeypatch.setenv("SMARTCART_EMAIL_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("SMARTCART_EMAIL_FROM", "alerts@shop.example")

    got = email_settings(tmp_path)

    assert got["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (got["EMAIL_HOST"], got["EMAIL_PORT"], got["EMAIL_USE_SSL"]) == (
        "mail.example",
        465,
        True,
    )
    assert got["EMAIL_HOST_USER"] == "alerts@shop.example"
    assert got["EMAIL_HOST_PASSWORD"] == "from-a-file"
    assert got["DEFAULT_FROM_EMAIL"] == "alerts@shop.example"


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("BACKEND", "pigeon", "SMARTCART_EMAIL_BACKEND='pigeon' is not one of"),
        ("BACKEND", "smtp", "needs SMARTCART_EMAIL_URL"),
        ("URL", "http://mail.example", "must start with smtp:// or smtps://"),
    ],
)
def test_it_names_the_wrong_variable(monkeypatch, tmp_path, name, value, words):
    monkeypatch.setenv(f"SMARTCART_EMAIL_{name}", value)

    with pytest.raises(ConfigError, match=words):
        email_settings(tmp_path)
