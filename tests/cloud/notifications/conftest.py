"""Fixtures for notifications: stores, incidents, channels and real HTTP receivers on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from cloud.incidents.models import Incident
from cloud.notifications.models import Channel
from cloud.stores.models import Store, StoreGroup
from cloud.stores.services import register_store


class Receiver:
    """A webhook endpoint: records each request, answers with the next status in `statuses`."""

    def __init__(self, statuses=(200,), delay: float = 0.0):
        self.statuses = list(statuses)
        self.delay = delay
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hook"

    def handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"headers": dict(self.headers), "raw": raw, "json": json.loads(raw)}
                )
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                status = (
                    receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                )
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def make(statuses=(200,), delay: float = 0.0) -> Receiver:
        made.append(Receiver(statuses, delay))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture
def down_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = server.server_port
    server.server_close()
    return f"http://127.0.0.1:{port}/hook"


@pytest.fixture
def store(db) -> Store:
    register_store(code="store-001", name="Store one")
    return Store.objects.get(code="store-001")


def make_store(code: str, group: str | None = None) -> Store:
    register_store(code=code, name=code)
    store = Store.objects.get(code=code)
    if group:
        StoreGroup.objects.get_or_create(name=group)[0].stores.add(store)
    return store


def make_incident(store: Store, severity: str = "critical", problem="component:database"):
    return Incident.objects.create(
        store=store,
        problem=problem,
        severity=severity,
        title=f"{problem} is down",
        detail="the database does not answer",
        opened_at=timezone.now(),
    )


def make_channel(name: str, kind: str, target: str, **fields) -> Channel:
    groups = fields.pop("groups", [])
    channel = Channel.objects.create(name=name, kind=kind, target=target, **fields)
    channel.store_groups.set(StoreGroup.objects.filter(name__in=groups))
    return channel
