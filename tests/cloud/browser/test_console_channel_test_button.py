"""Ops add a webhook channel in the console and press its test button: a signed notice reaches
a local receiver and the page says it was sent; a receiver that is down shows the channel
failing, in red, with the error."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from cloud.notifications.models import Channel

from .conftest import wait_until


@pytest.fixture
def receiver():
    got = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            got.append(
                (
                    self.headers.get("X-SmartCart-Event"),
                    self.rfile.read(int(self.headers["Content-Length"])),
                )
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", got
    server.shutdown()
    server.server_close()


def test_it_adds_a_webhook_and_tests_it_against_a_receiver(ops_page, cloud_server, receiver):
    url, got = receiver
    page = ops_page
    page.goto(f"{cloud_server}/console/channels/")
    page.click("text=Add a channel")
    page.fill("#id_name", "on-call webhook")
    page.select_option("#id_kind", "webhook")
    page.fill("#id_target", url)
    page.select_option("#id_min_severity", "warning")
    page.click("button:text('Save')")

    assert "Its signing secret (shown once)" in page.locator(".messages").inner_text()
    page.click("button[name=test]")

    assert page.locator(".messages").inner_text().strip() == "Test notice sent."
    wait_until(lambda: got, "the receiver got the test notice")
    assert got[0][0] == "test"
    assert "Nothing sent" not in page.locator("table.notices").inner_text()

    Channel.objects.filter(name="on-call webhook").update(target="http://127.0.0.1:9/down")
    page.click("button[name=test]")
    assert "Test notice failed:" in page.locator(".messages").inner_text()
    page.goto(f"{cloud_server}/console/channels/")
    row = page.locator("tr[data-status=failing]")
    assert "on-call webhook" in row.inner_text()
    assert row.locator(".reason").is_visible()
    color = row.locator(".channel-status").evaluate("e => getComputedStyle(e).color")
    assert color == "rgb(142, 35, 29)"
