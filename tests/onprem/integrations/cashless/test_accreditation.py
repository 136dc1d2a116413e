from __future__ import annotations

import uuid
from decimal import Decimal

import httpx

from onprem.integrations.cashless import purchase
from smartcart.cashless_api.models import (
    AccreditRequest,
    BooleanFieldChange,
    FieldChanges,
    IntegerFieldChange,
)


def test_it_accredits_credits_worker_type_and_fields_grouped_by_type(client, reader):
    reader.present(tagNr="04AA000000050", normalCredits="2")
    request = AccreditRequest(
        external_worker_id=str(uuid.uuid4()),
        worker_type="manager",
        normal_credits=Decimal("10"),
        pre_gift_credits=Decimal("1.5"),
        is_upgrade=True,
        field_changes=FieldChanges(
            [BooleanFieldChange("Set", "some_boolean", True)],
            [IntegerFieldChange("Relative", "another_integer", 5)],
        ),
    )

    outcome = purchase.accredit(client=client, request=request, timeout=5, poll_seconds=0.2)

    tag = outcome.tag
    assert outcome.status == "Success"
    assert (tag.normal_credits, tag.pre_gift_credits, tag.total_credits) == (
        12,
        Decimal("1.5"),
        Decimal("13.5"),
    )
    assert tag.manager and not tag.worker
    assert tag.fields.booleans()["some_boolean"] is True
    assert tag.fields.integers()["another_integer"] == 5


def test_it_resets_the_tag_when_the_accreditation_is_no_upgrade(client, reader):
    reader.present(
        tagNr="04AA000000051",
        normalCredits="7",
        fields={"booleanFields": [{"key": "Adult", "value": True}], "integerFields": []},
    )
    request = AccreditRequest(external_worker_id="w", normal_credits=Decimal("1"), is_upgrade=False)
    tag = purchase.accredit(client=client, request=request, timeout=5, poll_seconds=0.2).tag
    assert tag.total_credits == Decimal("1")
    assert tag.fields.booleans()["Adult"] is False


def _accredit_raw(emulator, body: dict) -> dict:
    job_id = str(uuid.uuid4())
    with httpx.Client(base_url=emulator["url"], auth=("api", "test")) as http:
        assert http.post(f"/api/accredit/v4/{job_id}/async", json=body).status_code == 200
        return http.get(f"/api/accredit/v4/{job_id}/status").json()["data"]


def test_it_accepts_every_documented_form_of_field_changes(emulator, reader):
    reader.present(tagNr="04AA000000052")
    forms = [
        {
            "workerId": "a",
            "fieldChanges": {"booleanFields": [{"type": "Set", "key": "Adult", "value": True}]},
        },
        {
            "externalWorkerId": "b",
            "fieldChanges": [
                {"key": "some_integer", "value": "5", "type": "IntegerAbsolute"},
                {"key": "some_integer", "value": "-3", "type": "IntegerRelative"},
            ],
        },
        {
            "externalWorkerId": "c",
            "fields": [
                {"key": "FoodCoupon", "value": 5, "operation": "Increment"},
                {"key": "FoodCoupon", "value": 2, "operation": "Decrement"},
            ],
        },
    ]
    results = [_accredit_raw(emulator, body)["result"]["fields"] for body in forms]
    final = {
        f["key"]: f["value"] for f in results[-1]["booleanFields"] + results[-1]["integerFields"]
    }
    assert (final["Adult"], final["some_integer"], final["FoodCoupon"]) == (True, 2, 3)
