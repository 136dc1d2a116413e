from __future__ import annotations

from decimal import Decimal

import pytest

from onprem.integrations.cashless import purchase
from onprem.integrations.cashless.errors import PurchaseTimedOutError
from onprem.integrations.cashless.models import CashlessJob


def test_it_times_out_cancels_and_says_the_tag_lacks_credits(client, reader, soda):
    reader.present(tagNr="04AA000000020", normalCredits="1.5")

    with pytest.raises(
        PurchaseTimedOutError, match="not enough credits on nfc tag 04AA000000020"
    ) as caught:
        purchase.purchase(client=client, items=[soda], timeout=1, poll_seconds=0.2)

    assert "was cancelled" in str(caught.value)
    job = CashlessJob.objects.get()
    assert job.status == "Cancelled"
    assert client.tag_info().total_credits == Decimal("1.5")
