"""A pushed final status is only a hint: the terminal's own answer decides."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx

from onprem.integrations.cashless import purchase, services
from onprem.integrations.cashless.models import CashlessJob
from smartcart.cashless_api.models import PurchaseRequest

from .conftest import PAYMENT_TYPE


def forged_success(job_id: str) -> dict:
    return {
        "type": "JobUpdate",
        "newTag": None,
        "jobUpdate": {
            "jobId": job_id,
            "status": "Success",
            "statusDetails": None,
            "result": {"tagNr": "04FORGED", "normalCredits": "999", "totalCredits": "999"},
            "createdAt": 1580380077351,
        },
    }


def test_it_does_not_complete_a_purchase_on_a_forged_success_event(client, reader, receiver, soda):
    job_id = str(uuid.uuid4())
    request = PurchaseRequest(PAYMENT_TYPE, [soda])
    services.record_job_started(job_id=job_id, kind="purchase", request=request.to_wire())
    client.start_purchase(job_id, request)  # no tag on the reader: the job stays pending
    # Whoever learned the callback URL posts a Success for it.
    assert httpx.post(receiver, json=forged_success(job_id), timeout=5).status_code == 204

    outcome = purchase.follow(
        client=client, kind="purchase", job_id=job_id, timeout=1.5, poll_seconds=30
    )

    assert outcome is None  # not finished: the terminal, asked at once, said Pending
    assert client.purchase_status(job_id).status == "Pending"
    job = CashlessJob.objects.get(job_id=job_id)
    assert (job.status, job.finished_via, job.tag_nr) == ("Pending", "", "")
    cancelled = purchase.cancel(client=client, kind="purchase", job_id=job_id, poll_seconds=0.2)
    assert cancelled.status == "Cancelled" and cancelled.tag is None


def test_it_confirms_a_real_pushed_success_with_the_terminal(client, reader, receiver, soda):
    reader.present(tagNr="04AA000000077", normalCredits="10")

    outcome = purchase.purchase(client=client, items=[soda], timeout=10, poll_seconds=30)

    # Finished well before the 30 s poll: the event made the helper ask the terminal at once.
    assert (outcome.status, outcome.via) == ("Success", "event")
    assert outcome.tag.total_credits == Decimal("6.8")
