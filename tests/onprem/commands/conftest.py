from __future__ import annotations

import pytest

from onprem.fleet.services import provision_device


@pytest.fixture
def fleet(db):
    """rack-01 (4 slots) and carts cart-001..cart-003, all offline."""
    provision_device(kind="rack", device_id="rack-01", slot_count=4)
    for n in (1, 2, 3):
        provision_device(kind="cart", device_id=f"cart-00{n}")
