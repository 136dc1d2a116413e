"""Ops press a remote action on a store's page: the command goes down the store's real tunnel,
the store answers, and the page shows the answer without a reload."""

from __future__ import annotations

import json

import pytest

from cloud.commands.models import StoreCommand
from cloud.stores.services import register_store
from smartcart import tunnel_frames as frames

from .conftest import StoreTunnel


@pytest.fixture
def store_key(transactional_db):
    return register_store(code="store-001", name="One")[1]


def next_command(tunnel: StoreTunnel) -> dict:
    while True:
        frame = json.loads(tunnel.ws.recv(timeout=10))
        if frame["type"] == frames.COMMAND:
            return frame


def test_a_remote_action_reaches_the_store_and_its_answer_shows(ops_page, cloud_server, store_key):
    tunnel = StoreTunnel(cloud_server, "store-001", store_key)
    try:
        page = ops_page
        page.goto(f"{cloud_server}/console/stores/store-001/")
        page.select_option("#id_action", "action.logs")
        page.fill("#id_component", "ingest")
        page.fill("#id_lines", "20")
        page.click("button:text('Send')")
        assert "action.logs sent to store-001" in page.locator(".messages").inner_text()

        command = next_command(tunnel)
        assert command["body"]["name"] == "action.logs"
        assert command["body"]["args"] == {"component": "ingest", "lines": 20}
        answer = {"state": "done", "result": {"component": "ingest", "lines": ["flushed 12 rows"]}}
        tunnel.ws.send(frames.ack(command["id"], **answer).to_json())

        row = page.locator(f"tr[data-command='{command['id']}']")
        page.wait_for_function(
            f"document.querySelector(\"tr[data-command='{command['id']}']\").dataset.state === 'done'"
        )
        assert "flushed 12 rows" in row.locator(".result").inner_text()
        assert row.locator(".command-state").inner_text() == "done"
        assert StoreCommand.objects.get(pk=command["id"]).requested_by == "olga"
    finally:
        tunnel.close()
