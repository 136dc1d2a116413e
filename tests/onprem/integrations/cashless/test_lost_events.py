from __future__ import annotations

import threading
from decimal import Decimal

from onprem.integrations.cashless import purchase
from onprem.integrations.cashless.models import CashlessEvent


def test_it_completes_a_purchase_by_polling_when_events_are_lost(client, reader, receiver, soda):
    reader.configure(dropEvents=True)
    threading.Timer(
        0.3, reader.present, kwargs={"tagNr": "04AA000000040", "normalCredits": "5"}
    ).start()

    outcome = purchase.purchase(client=client, items=[soda], timeout=10, poll_seconds=0.5)

    assert (outcome.status, outcome.via) == ("Success", "poll")
    assert outcome.tag.total_credits == Decimal("1.8")
    assert not CashlessEvent.objects.exists()
    assert {e["outcome"] for e in reader.delivered()} == {"dropped"}
