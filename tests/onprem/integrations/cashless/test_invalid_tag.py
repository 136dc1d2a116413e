from __future__ import annotations

import uuid

import pytest

from onprem.integrations.cashless.errors import TagInvalidError
from smartcart.cashless_api.models import PurchaseRequest
from tests.onprem.integrations.cashless.conftest import PAYMENT_TYPE


def test_it_raises_tag_invalid_when_a_broken_tag_is_read(client, reader):
    reader.present(invalid=True)
    with pytest.raises(TagInvalidError) as caught:
        client.tag_info()
    assert caught.value.error_code == "TagInvalid"


def test_it_keeps_the_job_pending_and_explains_why_for_a_broken_tag(client, reader, soda):
    job_id = str(uuid.uuid4())
    client.start_purchase(job_id, PurchaseRequest(PAYMENT_TYPE, [soda]))
    reader.present(invalid=True)

    status = client.purchase_status(job_id)
    assert status.status == "Pending"
    assert "invalid nfc tag" in status.status_details

    reader.present(tagNr="04AA000000030", normalCredits="5")
    assert client.purchase_status(job_id).status == "Success"
