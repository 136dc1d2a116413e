"""Notification channels in the console: add a webhook, change it, refused targets say why, a
failing channel shows red with its error, and the test button sends to a real receiver."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from cloud.notifications.models import Channel, Notice
from cloud.notifications.services import create_channel
from cloud.notifications.transports import sign
from cloud.stores.models import StoreGroup


@pytest.fixture
def receiver():
    """A local webhook receiver: its URL and the requests it got ([(headers, body)])."""
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", got
    server.shutdown()
    server.server_close()


def webhook_form(url: str, **fields) -> dict:
    return {
        "name": "ops webhook",
        "kind": "webhook",
        "target": url,
        "secret": "",
        "min_severity": "warning",
        "enabled": "on",
        **fields,
    }


def test_it_adds_a_webhook_channel_and_shows_its_secret_once(ops, db):
    StoreGroup.objects.create(name="north")

    response = ops.post(
        "/console/channels/new/",
        webhook_form("https://hooks.example.com/x", store_groups=["north"]),
        follow=True,
    )

    channel = Channel.objects.get()
    assert (channel.kind, channel.target, channel.min_severity, channel.created_by) == (
        "webhook",
        "https://hooks.example.com/x",
        "warning",
        "olga",
    )
    assert [g.name for g in channel.store_groups.all()] == ["north"]
    html = response.content.decode()
    assert f"Its signing secret (shown once): {channel.secret}" in html
    assert channel.secret not in ops.get(f"/console/channels/{channel.pk}/").content.decode()


def test_it_changes_a_channel_and_keeps_its_secret(ops, db):
    channel = create_channel(name="mail", kind="email", target="ops@example.com")
    secret = channel.secret

    ops.post(
        f"/console/channels/{channel.pk}/",
        webhook_form("ops@example.com, oncall@example.com", name="mail", kind="email", enabled=""),
    )

    channel.refresh_from_db()
    assert channel.target == "ops@example.com, oncall@example.com"
    assert channel.enabled is False and channel.secret == secret


def test_it_refuses_a_bad_target_with_a_sentence(ops, db):
    response = ops.post("/console/channels/new/", webhook_form("ftp://nowhere"))

    assert response.status_code == 200
    assert "a webhook target is an http:// or https:// URL with a host" in response.content.decode()
    assert not Channel.objects.exists()


def test_it_shows_a_failing_channel_in_red_with_its_error(ops, db):
    channel = create_channel(name="hook", kind="webhook", target="https://h.example.com/")
    Channel.objects.filter(pk=channel.pk).update(
        status="failing", last_error="connection refused", failing_since=timezone.now()
    )

    html = ops.get("/console/channels/").content.decode()

    row = html[html.index(f'data-channel="{channel.pk}"') :].split("</tr>")[0]
    assert 'data-status="failing"' in row
    assert '<div class="reason">connection refused</div>' in row


def test_the_test_button_sends_a_signed_notice_to_the_receiver(ops, db, receiver):
    url, got = receiver
    channel = create_channel(name="hook", kind="webhook", target=url)

    response = ops.post(f"/console/channels/{channel.pk}/test/", follow=True)

    assert "Test notice sent." in response.content.decode()
    [(headers, body)] = got
    assert headers["X-SmartCart-Event"] == "test"
    assert headers["X-SmartCart-Signature"] == sign(body, channel.secret)
    assert json.loads(body)["event"] == "test"
    assert Notice.objects.get().state == "sent"


def test_the_test_button_says_why_a_channel_failed(ops, db, receiver):
    url, _got = receiver
    channel = create_channel(name="hook", kind="webhook", target=url.replace("/hook", ":1/x"))
    Channel.objects.filter(pk=channel.pk).update(target="http://127.0.0.1:9/hook")

    response = ops.post(f"/console/channels/{channel.pk}/test/", follow=True)

    assert "Test notice failed:" in response.content.decode()
    channel.refresh_from_db()
    assert channel.status == "failing"
