"""A resolve racing a new request on the same cart never leaves the light off over someone
waiting (MariaDB: real concurrent transactions; the cart's row lock orders them)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from onprem.fleet.ingest import DeviceDirectory, store_batch
from onprem.shopping import help
from onprem.shopping.models import HelpRequest

from .conftest import assist_lights
from .test_cart_button import pressed


def in_thread(work) -> tuple[threading.Thread, list]:
    failures: list[BaseException] = []

    def run():
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - the test reports what the thread hit
            failures.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, failures


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_light_on_when_a_button_press_waits_for_a_resolve(ada_session, anna):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite takes one writer at a time: nothing races; MariaDB runs this")
    waiting = help.ask_for_help(session=ada_session, reason="heavy crate")
    go = threading.Event()

    def resolve_slowly():
        with transaction.atomic():
            help.lock_cart(waiting.cart_id)  # as resolve does first; ingest now waits for it
            go.wait(10)
            help.resolve(help_request=waiting, staff_user=anna)

    resolver, resolve_failed = in_thread(resolve_slowly)
    time.sleep(0.3)
    # Ingest's batch has written (and read) before it asks for the cart's lock.
    press, press_failed = in_thread(
        lambda: store_batch([pressed("cart-001", 0)], DeviceDirectory())
    )
    time.sleep(0.5)
    go.set()
    resolver.join(20)
    press.join(20)

    assert resolve_failed == [] and press_failed == []
    assert HelpRequest.objects.filter(state="open", source="cart_button").count() == 1
    assert assist_lights("cart-001") == [True, False, True]
