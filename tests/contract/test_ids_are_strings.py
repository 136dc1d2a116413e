"""An id is a string of the id alphabet: a list or dict of such letters is not one."""

from __future__ import annotations

import pytest

from smartcart.protocol import ProtocolError
from smartcart.protocol.topics import check_id


@pytest.mark.parametrize("value", [["c"], {"a": 1}, ("c", "d"), 7, None])
def test_it_refuses_an_id_that_is_not_a_string(value):
    with pytest.raises(ProtocolError, match="must be a string"):
        check_id(value, "field id")


def test_it_takes_a_plain_id():
    assert check_id("cart-017", "device") == "cart-017"
