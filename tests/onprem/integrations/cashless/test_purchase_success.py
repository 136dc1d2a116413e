from __future__ import annotations

import threading
from decimal import Decimal

from onprem.integrations.cashless import purchase
from onprem.integrations.cashless.models import CashlessEvent, CashlessJob


def test_it_sells_a_cart_and_returns_the_tags_new_balance(client, reader, receiver, soda):
    reader.present(tagNr="04AA000000001", normalCredits="20")
    reader.remove()  # the tag is known to the terminal; the shopper taps it once the job runs
    threading.Timer(0.3, reader.present, kwargs={"tagNr": "04AA000000001"}).start()
    soda.count = 2

    outcome = purchase.purchase(client=client, items=[soda], timeout=10, poll_seconds=5)

    assert outcome.status == "Success" and outcome.via == "event"
    assert outcome.tag.tag_nr == "04AA000000001"
    assert outcome.tag.total_credits == Decimal("13.6")
    job = CashlessJob.objects.get(job_id=outcome.job_id)
    assert (job.status, job.finished_via, job.amount) == ("Success", "event", Decimal("6.4"))
    assert CashlessEvent.objects.filter(job_id=outcome.job_id, status="Success").exists()


def test_it_keeps_the_balance_on_the_tag_between_purchases(client, reader, soda):
    reader.present(tagNr="04AA000000002", normalCredits="10")
    first = purchase.purchase(client=client, items=[soda], timeout=5, poll_seconds=0.2)
    second = purchase.purchase(client=client, items=[soda], timeout=5, poll_seconds=0.2)
    assert (first.tag.total_credits, second.tag.total_credits) == (Decimal("6.8"), Decimal("3.6"))
    assert client.tag_info().total_credits == Decimal("3.6")
