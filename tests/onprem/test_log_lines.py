"""The store's log lines: one line each, with store= (SMARTCART_STORE_ID) and device= fields,
logfmt by default and JSON when SMARTCART_LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from onprem.fleet.models import DeviceEvent
from smartcart.logcontext import bound
from tests.log_lines import lines_with, tier_log_lines
from tests.onprem.fleet.conftest import fleet, staff_api  # noqa: F401 - fixtures
from tests.onprem.shopping.help.test_cart_button import ingest, pressed


def test_it_tags_a_line_from_ingest_with_the_store_and_the_cart(fleet):  # noqa: F811
    with tier_log_lines() as out:
        ingest(pressed("cart-001", 0))

    assert DeviceEvent.objects.count() == 1
    [line] = lines_with(out, "help requested")
    assert " store=store-001 device=cart-001 " in line
    assert line.startswith("at=") and " level=INFO logger=onprem.shopping.help " in line


def test_it_tags_every_line_with_the_store_and_a_bound_device(db):
    log = logging.getLogger("onprem.test")
    with tier_log_lines() as out:
        log.warning("nothing about where")
        with bound(device="rack-07"):
            log.warning("inside a rack's work")
        try:
            raise ValueError("line one\nline two")
        except ValueError:
            log.exception("it broke")

    first, second, third = out.getvalue().splitlines()
    assert " store=store-001 device=- " in first
    assert " store=store-001 device=rack-07 " in second
    assert 'exc="Traceback' in third and "line one\\nline two" in third


def test_it_writes_json_lines_when_asked():
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('onprem.x').warning('ingest refused one message on "
            "smartcart/store-001/cart/cart-009/telemetry: bad')")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
        env={**_env(), "SMARTCART_LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "onprem.settings"},
    )

    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["store"], line["device"], line["level"]) == ("store-001", "cart-009", "WARNING")


def test_it_stops_on_an_unknown_log_format():
    done = subprocess.run(
        [sys.executable, "manage.py", "check"], capture_output=True, text=True, timeout=60,
        env={**_env(), "SMARTCART_LOG_FORMAT": "xml"},
    )

    assert done.returncode != 0
    assert "SMARTCART_LOG_FORMAT='xml' must be logfmt or json" in done.stderr


def _env() -> dict:
    import os

    return {**os.environ, "SMARTCART_DEMO": "1"}


def test_it_tags_a_device_command_with_its_device(fleet, staff_api):  # noqa: F811
    with tier_log_lines() as out:
        sent = staff_api.post("/api/v1/carts/cart-002/commands/", {"command": "locate", "args": {"seconds": 2}},
                              format="json")

    assert sent.status_code in (201, 202), sent.content
    [line] = lines_with(out, "command requested")
    assert " store=store-001 device=cart-002 " in line
