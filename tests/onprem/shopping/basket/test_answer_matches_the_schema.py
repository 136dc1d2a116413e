"""Scan-and-add writes its answer out by hand (it is the hottest call): it must be exactly
what the documented serializer would say."""

from __future__ import annotations

import json

from onprem.shopping import basket
from onprem.shopping.api.serializers import BasketChangeSerializer, basket_change_json
from onprem.shopping.barcodes import weighed_barcode
from tests.onprem.shopping.conftest import (
    BANANAS_PREFIX,
    CHEESE_PREFIX,
    CHOCOLATE,
    COFFEE,
    MILK,
    WINE,
)


def test_it_answers_what_the_serializer_says(session):
    scans = [
        (MILK, 3),
        (WINE, 1),
        (COFFEE, 2),
        (CHOCOLATE, 1),
        (weighed_barcode(BANANAS_PREFIX, 754), 1),
        (weighed_barcode(CHEESE_PREFIX, 1234), 1),
        (MILK, 1),
    ]
    for barcode, quantity in scans:
        change = basket.add_item(session=session, barcode=barcode, quantity=quantity)

        by_hand = basket_change_json(change)
        by_serializer = json.loads(json.dumps(BasketChangeSerializer(change).data))
        assert by_hand == by_serializer
