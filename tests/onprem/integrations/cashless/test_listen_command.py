from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import free_port


def test_it_registers_the_event_receiver_with_the_terminal(emulator, reader, settings, capsys):
    settings.CASHLESS_URL = emulator["url"]
    settings.CASHLESS_EVENT_SECRET = "s3cret-0123456789abcdef"

    call_command("listen_cashless", "--base", "http://store.example:8000")

    listeners = reader.http.get("/listeners").json()["data"]
    assert listeners == [
        "http://store.example:8000/api/v1/integrations/cashless/events/s3cret-0123456789abcdef/"
    ]
    assert "s3cret-0123456789abcdef" not in capsys.readouterr().out


def test_it_says_so_when_the_terminal_does_not_answer(settings, db):
    settings.CASHLESS_URL = f"http://127.0.0.1:{free_port()}"
    settings.CASHLESS_EVENT_SECRET = "s3cret-0123456789abcdef"

    with pytest.raises(CommandError, match="did not answer"):
        call_command("listen_cashless")


def test_it_refuses_to_register_without_an_event_secret(emulator, reader, settings):
    settings.CASHLESS_URL = emulator["url"]
    settings.CASHLESS_EVENT_SECRET = ""

    with pytest.raises(CommandError, match="set SMARTCART_CASHLESS_EVENT_SECRET"):
        call_command("listen_cashless")

    assert reader.http.get("/listeners").json()["data"] == []
