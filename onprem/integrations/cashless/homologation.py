"""`manage.py homologate cashless`: walk every integration step against the configured terminal.

Against the emulator the walk presents its own test tag through the control API; against a
real test terminal an operator places a tag on the reader when the log asks for one.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import close_old_connections

from onprem.integrations.cashless import purchase, services
from onprem.integrations.cashless.client import CashlessClient
from onprem.integrations.cashless.errors import NoTagPresentError, ResourceAlreadyExistsError
from onprem.integrations.report import Homologation
from smartcart.cashless_api.models import (
    AccreditRequest,
    CartItem,
    FieldChanges,
    IntegerFieldChange,
    PurchaseRequest,
)

log = logging.getLogger(__name__)
TEST_TAG = {"tagNr": "04HOMOLOGATION", "normalCredits": "50", "active": True}


def run() -> Homologation:
    client = CashlessClient.from_settings()
    report = Homologation("cashless", client.base_url)
    listener = EventListener()
    try:
        Walk(client, report, listener).run()
    finally:
        listener.stop()
        client.close()
    return report


class EventListener:
    """A temporary endpoint for the terminal's event POSTs; stores them like the real receiver.

    Its path holds a fresh random secret, so nobody else on the network can push events into
    the walk.
    """

    def __init__(self) -> None:
        host = (
            urlsplit(settings.CASHLESS_CALLBACK_BASE or "http://127.0.0.1").hostname or "127.0.0.1"
        )
        bind = "127.0.0.1" if host in ("127.0.0.1", "localhost") else "0.0.0.0"
        self.received: list[dict] = []
        self.path = f"/homologation-events/{secrets.token_urlsafe(24)}"
        self.server = ThreadingHTTPServer((bind, 0), self._handler())
        self.url = f"http://{host}:{self.server.server_port}{self.path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        received, path = self.received, self.path

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                if not secrets.compare_digest(self.path.encode(), path.encode()):
                    self.send_error(404, "No such event endpoint.")
                    return
                body = json.loads(
                    self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null"
                )
                received.append(body)
                close_old_connections()
                services.record_event(payload=body)
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        return Handler

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Walk:
    def __init__(
        self, client: CashlessClient, report: Homologation, listener: EventListener
    ) -> None:
        self.client, self.report, self.listener = client, report, listener
        self.control = f"{client.base_url}/emulator/v1"
        self.emulated = self._is_emulator()
        self.timeout = 15.0 if self.emulated else float(settings.CASHLESS_PURCHASE_TIMEOUT_SECONDS)

    def run(self) -> None:
        step = self.report.step
        config = step("terminal config", lambda: ("GET /api/config/v4", self.client.config()))
        step("menu", lambda: ("GET /api/menu/v4", self._menu()))
        products = step("products", lambda: ("GET /api/product/v4", self._products()))
        step("fields", lambda: ("GET /api/field/v4", self.client.fields()))
        step("product image", lambda: self._image())
        step("event receiver secret", lambda: self._receiver_secret())
        step("register for events", lambda: self._register())
        step("tag-info", lambda: self._tag_info())
        if config and products:
            step("purchase with a tag", lambda: self._purchase(products[0]))
            step("events received", lambda: self._events())
            step("cancel a purchase", lambda: self._cancel(config, products[0]))
            step("refuse a reused job id", lambda: self._reused_job_id(config, products[0]))
        step("accreditation", lambda: self._accredit())
        step("unregister from events", lambda: self._unregister())

    def _is_emulator(self) -> bool:
        try:
            return self.client._http.get(f"{self.control}/status").status_code == 200
        except httpx.HTTPError:
            return False

    def _present_tag(self) -> None:
        if self.emulated:
            self.client._http.post(f"{self.control}/tag", json=TEST_TAG).raise_for_status()
        else:
            log.warning(
                "homologation: place a test tag with credits on the reader (%ss)", self.timeout
            )

    def _remove_tag(self) -> None:
        if self.emulated:
            self.client._http.delete(f"{self.control}/tag")

    def _menu(self) -> list:
        menu = self.client.menu()
        if not menu:
            raise AssertionError("the menu is empty")
        return [node.to_wire() for node in menu]

    def _products(self):
        sellable = [
            p for p in self.client.products() if p.type == "Product" and p.price_in_credits > 0
        ]
        if not sellable:
            raise AssertionError(
                "no product of type Product with a price: nothing to sell in the test"
            )
        return sellable

    def _image(self):
        refs = [n.thumbnail_ref for n in self.client.menu() if n.thumbnail_ref]
        if not refs:
            return "no menu node has a thumbnail", "skipped"
        content, content_type = self.client.image(refs[0].id)
        return f"GET /api/image/v4/{refs[0].id}", f"{len(content)} bytes of {content_type}"

    def _receiver_secret(self):
        # The walk uses its own listener; the store's receiver needs its secret in production.
        services.event_secret()  # ReceiverOffError says what to set
        return "SMARTCART_CASHLESS_EVENT_SECRET", "set"

    def _register(self):
        self.client.register_events(self.listener.url)
        return {"url": self.listener.url}, "204"

    def _unregister(self):
        self.client.unregister_events(self.listener.url)
        return {"url": self.listener.url}, "204"

    def _tag_info(self):
        self._present_tag()
        deadline = time.monotonic() + self.timeout
        try:
            while True:  # an operator may still be reaching for the tag
                try:
                    return "GET /api/tag-info/v4", self.client.tag_info().to_wire()
                except NoTagPresentError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
        finally:
            self._remove_tag()

    def _purchase(self, product):
        before = self._balance()
        item = CartItem(1, product.product_key, product.variant_key, product.price_in_credits)
        threading.Timer(0.3, self._present_tag).start()
        outcome = purchase.purchase(
            client=self.client, items=[item], timeout=self.timeout, poll_seconds=1.0
        )
        self._remove_tag()
        if not outcome.succeeded or outcome.tag is None:
            raise AssertionError(f"the purchase ended {outcome.status}: {outcome.status_details}")
        if before is not None and outcome.tag.total_credits != before - product.price_in_credits:
            raise AssertionError(f"balance went from {before} to {outcome.tag.total_credits}")
        self.purchase_job = outcome.job_id
        return item.to_wire(), {
            "status": outcome.status,
            "via": outcome.via,
            "totalCredits": str(outcome.tag.total_credits),
        }

    def _balance(self) -> Decimal | None:
        if not self.emulated:
            return None
        self._present_tag()
        balance = self.client.tag_info().total_credits
        self._remove_tag()
        return balance

    def _events(self):
        jobs = {
            e.get("jobUpdate", {}).get("jobId")
            for e in self.listener.received
            if e.get("jobUpdate")
        }
        if getattr(self, "purchase_job", None) not in jobs:
            raise AssertionError(
                f"no JobUpdate event arrived for the purchase ({len(self.listener.received)} events)"
            )
        return self.listener.url, self.listener.received[-1]

    def _cancel(self, config, product):
        job_id = str(uuid.uuid4())
        self.client.start_purchase(job_id, self._request(config, product))
        outcome = purchase.cancel(
            client=self.client, kind="purchase", job_id=job_id, poll_seconds=0.5
        )
        if outcome.status != "Cancelled":
            raise AssertionError(f"the job ended {outcome.status}, not Cancelled")
        return f"GET /api/purchase/v4/{job_id}/cancel", {
            "status": outcome.status,
            "via": outcome.via,
        }

    def _reused_job_id(self, config, product):
        job_id = str(uuid.uuid4())
        request = self._request(config, product)
        self.client.start_purchase(job_id, request)
        try:
            self.client.start_purchase(job_id, request)
        except ResourceAlreadyExistsError as exc:
            return f"POST /api/purchase/v4/{job_id}/async twice", {"error_code": exc.error_code}
        finally:
            purchase.cancel(client=self.client, kind="purchase", job_id=job_id, poll_seconds=0.5)
        raise AssertionError("the terminal accepted the same job id twice")

    @staticmethod
    def _request(config, product) -> PurchaseRequest:
        payment = next(t.id for t in config.payment_types if t.type == "Cashless")
        return PurchaseRequest(
            payment,
            [CartItem(1, product.product_key, product.variant_key, product.price_in_credits)],
        )

    def _accredit(self):
        fields = self.client.fields().integer_fields
        changes = FieldChanges(
            integer_field_changes=[IntegerFieldChange("Relative", fields[0].key, 1)]
            if fields
            else []
        )
        request = AccreditRequest(
            external_worker_id=str(uuid.uuid4()),
            worker_type="unknown",
            normal_credits=Decimal("5"),
            field_changes=changes,
            is_upgrade=True,
        )
        threading.Timer(0.3, self._present_tag).start()
        outcome = purchase.accredit(
            client=self.client, request=request, timeout=self.timeout, poll_seconds=1.0
        )
        self._remove_tag()
        if not outcome.succeeded:
            raise AssertionError(
                f"the accreditation ended {outcome.status}: {outcome.status_details}"
            )
        return request.to_wire(), {
            "status": outcome.status,
            "result": outcome.tag.to_wire() if outcome.tag else None,
        }
