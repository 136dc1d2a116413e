from __future__ import annotations

from onprem.fleet.models import CartReading

from .conftest import cart_message, ingest


def test_it_stores_a_redelivered_message_once(fleet):
    ingest(cart_message(seq=1), cart_message(seq=2))
    ingest(cart_message(seq=2), cart_message(seq=3))  # seq 2 redelivered by the broker

    assert sorted(CartReading.objects.values_list("seq", flat=True)) == [1, 2, 3]


def test_it_keeps_readings_of_a_new_boot_apart(fleet):
    ingest(cart_message(seq=1, boot="boot-a"), cart_message(seq=1, boot="boot-b"))

    assert CartReading.objects.filter(device_id="cart-001", seq=1).count() == 2
