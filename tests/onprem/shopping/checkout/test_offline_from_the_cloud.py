"""A store cut off from the cloud takes payments: no uplink process and no cloud run here at
all (the cloud's URL points at a port where nothing listens), and the whole path, from the
checkout to the order in the ERP and the receipt, never runs a line of onprem.uplink."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from django.urls import resolve

import onprem.uplink
from tests.conftest import free_port

UPLINK = str(Path(onprem.uplink.__file__).parent)


class UplinkWatch:
    """Every function of onprem.uplink called while watching (sys.setprofile, no mocks)."""

    def __init__(self) -> None:
        self.called: set[str] = set()

    def __call__(self, frame, event, arg):
        if event == "call" and frame.f_code.co_filename.startswith(UPLINK):
            self.called.add(f"{frame.f_code.co_filename}:{frame.f_code.co_name}")

    def __enter__(self):
        sys.setprofile(self)
        threading.setprofile(self)
        return self

    def __exit__(self, *exc):
        sys.setprofile(None)
        threading.setprofile(None)


def test_it_pays_and_keeps_the_receipt_without_the_cloud(app, visit, terminal, erp, settings):
    settings.CLOUD_URL = f"ws://127.0.0.1:{free_port()}"
    resolve("/api/v1/shopper/orders/")  # the URLconf imports every app's views once: not the path
    with UplinkWatch() as watch:
        app.checkout(visit.id)
        terminal.present(tagNr="04AA000000071", normalCredits="50")
        payment = app.settled(visit.id)
        receipt = app.call("GET", f"/api/v1/shopper/orders/{payment['order']}/").json()

    assert payment["state"] == "paid"
    assert receipt["erp_state"] == "posted" and receipt["total"] == "13.16"
    assert len(erp.orders()) == 1
    assert watch.called == set()
