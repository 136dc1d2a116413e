from __future__ import annotations

import threading
import uuid
from decimal import Decimal

from onprem.integrations.cashless import purchase
from smartcart.cashless_api.models import PurchaseRequest
from tests.onprem.integrations.cashless.conftest import PAYMENT_TYPE


def test_it_cancels_a_purchase_before_any_tag(client, reader, soda):
    job_id = str(uuid.uuid4())
    client.start_purchase(job_id, PurchaseRequest(PAYMENT_TYPE, [soda]))

    outcome = purchase.cancel(client=client, kind="purchase", job_id=job_id, poll_seconds=0.2)

    assert outcome.status == "Cancelled"
    reader.present(tagNr="04AA000000010", normalCredits="10")  # a late tag pays nothing
    assert client.purchase_status(job_id).status == "Cancelled"
    assert client.tag_info().total_credits == Decimal("10")


def test_it_reports_success_when_a_tag_wins_the_race_with_cancel(client, reader, soda):
    reader.configure(cancelDelaySeconds=1.0)  # the terminal is slow to cancel
    job_id = str(uuid.uuid4())
    client.start_purchase(job_id, PurchaseRequest(PAYMENT_TYPE, [soda]))
    threading.Timer(
        0.3, reader.present, kwargs={"tagNr": "04AA000000011", "normalCredits": "10"}
    ).start()

    outcome = purchase.cancel(client=client, kind="purchase", job_id=job_id, poll_seconds=0.1)

    assert outcome.status == "Success"
    assert outcome.tag.total_credits == Decimal("6.8")
