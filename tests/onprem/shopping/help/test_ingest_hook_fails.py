"""A failure while opening help requests costs the help request (logged), never the batch."""

from __future__ import annotations

from onprem.fleet.models import CartReading, DeadLetter, DeviceEvent
from onprem.shopping import help
from onprem.shopping.models import HelpRequest
from tests.onprem.fleet.conftest import cart_message

from .test_cart_button import ingest, pressed


def test_it_stores_the_batch_when_the_help_hook_breaks(carts, monkeypatch, caplog):
    def broken(*, events):
        HelpRequest.objects.create(source="cart_button", event_key="half-done")
        raise RuntimeError("a bug in the help hook")

    monkeypatch.setattr(help, "help_from_cart_events", broken)

    ingest(cart_message("cart-001", seq=0), pressed("cart-001", 0))

    assert CartReading.objects.count() == 1 and DeviceEvent.objects.count() == 1
    assert not DeadLetter.objects.exists()
    assert not HelpRequest.objects.exists(), "the hook's own writes are rolled back"
    assert "could not open help requests for 1 cart events" in caplog.text
