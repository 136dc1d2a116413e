from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.integrations.cashless.client import CashlessClient


def test_it_reads_the_device_config_as_typed_objects(client):
    config = client.config()
    assert config.device_id == "ACZK"
    assert config.decimal_places_credits == 2
    assert [t.type for t in config.payment_types] == ["Cashless", "Other"]


def test_it_reads_the_menu_tree_and_products_with_decimal_prices(client):
    menu = client.menu()
    drinks = next(node for node in menu if node.name == "Drinks")
    assert drinks.type == "Category" and drinks.children[0].parent_id == drinks.id
    soda = next(p for p in client.products() if p.name == "Soda 0.33l")
    assert soda.price_in_credits == Decimal("3.2")
    assert soda.price_in_credits_formatted == "3,20T"


def test_it_reads_field_definitions_grouped_by_data_type(client):
    fields = client.fields()
    assert "some_boolean" in [f.key for f in fields.boolean_fields]
    coupon = next(f for f in fields.integer_fields if f.key == "FoodCoupon")
    assert (coupon.min_value, coupon.max_value) == (0, 100)


def test_it_fetches_a_menu_image(client):
    ref = client.menu()[0].thumbnail_ref
    content, content_type = client.image(ref.url)
    assert content.startswith(b"\x89PNG") and content_type == "image/png"


def test_it_talks_https_to_a_self_signed_terminal_given_its_certificate(emulator, reader):
    with CashlessClient(
        emulator["https_url"], username="api", password="test", verify=emulator["cert"]
    ) as tls:
        assert tls.config().device_id == "ACZK"


def test_it_refuses_a_self_signed_terminal_it_was_not_told_to_trust(emulator, reader):
    from onprem.integrations.cashless.errors import TerminalUnreachableError

    with CashlessClient(emulator["https_url"], username="api", password="test") as tls:
        with pytest.raises(TerminalUnreachableError, match="CERTIFICATE_VERIFY_FAILED"):
            tls.config()
