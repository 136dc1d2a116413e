from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import free_port


def test_it_passes_every_step_against_the_emulator(
    emulator, reader, transactional_db, settings, tmp_path
):
    settings.CASHLESS_URL = emulator["url"]
    settings.CASHLESS_EVENT_SECRET = "homologation-secret-0123456789"
    call_command("homologate", "cashless", out=str(tmp_path))
    report = json.loads((tmp_path / "homologation-cashless.json").read_text())
    assert report["passed"] is True
    names = [step["name"] for step in report["steps"]]
    assert {"terminal config", "purchase with a tag", "cancel a purchase", "accreditation"} <= set(
        names
    )
    assert "PASSED" in (tmp_path / "homologation-cashless.md").read_text()


def test_it_fails_with_a_sentence_when_the_terminal_is_down(transactional_db, settings, tmp_path):
    settings.CASHLESS_URL = f"http://127.0.0.1:{free_port()}"
    settings.CASHLESS_EVENT_SECRET = ""
    with pytest.raises(CommandError, match="homologation of cashless failed"):
        call_command("homologate", "cashless", out=str(tmp_path))
    report = (tmp_path / "homologation-cashless.md").read_text()
    assert "FAILED" in report
    # The store's receiver refuses events until its secret is set: the report says so.
    assert "The cashless event receiver is off: set SMARTCART_CASHLESS_EVENT_SECRET" in report
