from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from onprem.shopping.models import ShoppingSession
from onprem.shopping.sessions import end_session, pair_cart


def test_the_database_refuses_a_second_open_session_on_a_cart(session, other_shopper, cart):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShoppingSession.objects.create(
            shopper=other_shopper, cart=cart, open_cart=cart, open_shopper=other_shopper
        )


def test_the_database_refuses_a_second_open_session_of_a_shopper(session, shopper, second_cart):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShoppingSession.objects.create(
            shopper=shopper, cart=second_cart, open_cart=second_cart, open_shopper=shopper
        )


def test_it_pairs_the_cart_and_the_shopper_again_once_the_session_ended(
    session, shopper, other_shopper, cart
):
    end_session(session=session, state="abandoned", reason="ended by the shopper")

    again = pair_cart(shopper=other_shopper, cart_code=cart.pairing_code)
    ended = ShoppingSession.objects.get(pk=session.pk)

    assert again.state == "active" and again.pk != session.pk
    assert ended.open_cart_id is None and ended.open_shopper_id is None
