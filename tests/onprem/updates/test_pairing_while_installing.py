"""A cart whose install has started is refused to shoppers (reason `updating`) until it ends:
the gates keep installs off carts in use, this keeps shoppers off carts installing."""

from __future__ import annotations

import pytest

from onprem.fleet.models import Cart
from onprem.shopping.sessions import SessionRefused, pair_cart
from onprem.updates import jobs
from onprem.updates.choices import JobState
from onprem.updates.jobs import create_job
from onprem.updates.machine import move
from tests.onprem.auth.conftest import person

from .conftest import ready


def test_a_shopper_cannot_take_a_cart_that_is_installing(release_cached):
    ready("cart-001")
    job = create_job(
        kind="cart",
        device_id="cart-001",
        release=release_cached("1.1.0"),
        requested_by="staff:stella",
        why="test",
    )
    code, ada = Cart.objects.get(device_id="cart-001").pairing_code, person("ada")
    assert jobs.dispatch() == 1
    job.refresh_from_db()

    with pytest.raises(SessionRefused, match="installing a firmware update") as refused:
        pair_cart(shopper=ada, cart_code=code)
    assert refused.value.reason == "updating"

    move(job, JobState.SUCCEEDED, why="the cart reported succeeded", by="cart:cart-001")
    assert pair_cart(shopper=ada, cart_code=code).cart.device_id == "cart-001"
