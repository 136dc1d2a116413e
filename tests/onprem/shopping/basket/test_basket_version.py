from __future__ import annotations

from onprem.shopping import basket
from onprem.shopping.models import ShoppingSession
from tests.onprem.shopping.conftest import MILK, WINE


def test_it_bumps_the_basket_version_on_every_change(session):
    added = basket.add_item(session=session, barcode=MILK, quantity=1)
    basket.add_item(session=session, barcode=MILK, quantity=1)
    basket.add_item(session=session, barcode=WINE, quantity=1)
    basket.change_quantity(session=session, line_id=added.line.pk, quantity=5)
    basket.remove_line(session=session, line_id=added.line.pk)

    assert ShoppingSession.objects.get(pk=session.pk).basket_version == 5


def test_it_reads_the_basket_without_changing_it(session):
    basket.add_item(session=session, barcode=MILK, quantity=2)

    lines, totals = basket.basket(session)

    assert [(line.product.code, line.quantity) for line in lines] == [("P00001", 2)]
    assert str(totals.total) == "1.78"
    assert ShoppingSession.objects.get(pk=session.pk).basket_version == 1
