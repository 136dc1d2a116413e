"""The sweep is a long-running loop in the demo: one payment it cannot handle is logged and
left for the next round, and the round goes on."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command

from onprem.shopping import checkout
from onprem.shopping.models import Payment


def test_it_logs_a_payment_it_cannot_handle_and_carries_on(app, visit, monkeypatch, caplog):
    payment = app.checkout(visit.id, "till").json()
    real = checkout._sweep_one

    def broken(row: Payment) -> Payment:
        # A bug in one payment's path (not a stand-in for the database: the rows are real).
        if str(row.pk) == payment["id"]:
            raise RuntimeError("a bug that only this payment trips")
        return real(row)

    monkeypatch.setattr(checkout, "_sweep_one", broken)
    out = StringIO()
    call_command("sweep_payments", stdout=out)

    assert json.loads(out.getvalue()) == {"waiting": 1, "settled": 0, "errors": 1}
    assert "payment sweep failed payment=" in caplog.text
    assert Payment.objects.get(pk=payment["id"]).state == "waiting_for_tag"


def test_it_refuses_a_negative_interval():
    out = StringIO()
    try:
        call_command("sweep_payments", "--every", "-1", stdout=out)
    except Exception as exc:  # noqa: BLE001
        assert "--every is a number of seconds" in str(exc)
    else:
        raise AssertionError("a negative --every was accepted")
