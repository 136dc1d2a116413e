from __future__ import annotations

import time

import pytest

from onprem.integrations.erp.models import SyncRun
from onprem.uplink.commands import INTERRUPTED
from onprem.uplink.models import ReceivedCommand

from .conftest import start_uplink, stop, wait_for_store
from .store_commands_support import SilentErp, post_command, wait_for_command, wait_for_record


def wait_for_sync_run(*, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not SyncRun.objects.exists():
        assert time.monotonic() < deadline, "the store never started the ERP sync"
        time.sleep(0.05)


@pytest.fixture
def slow_erp_env(uplink_env):
    """The store's ERP accepts and never answers: an erp.sync runs ~7 s (3 tries of 2 s)."""
    erp = SilentErp()
    yield {**uplink_env, "SMARTCART_ERP_URL": erp.url, "SMARTCART_ERP_TIMEOUT_SECONDS": "2"}
    erp.close()


@pytest.mark.e2e
def test_it_does_not_run_a_command_again_after_the_store_was_killed_mid_run(
    cloud, slow_erp_env, store_id
):
    uplink = start_uplink(slow_erp_env)
    try:
        wait_for_store(cloud, store_id, online=True, timeout=30)
        queued = post_command(cloud, store_id, "erp.sync", {"stock_only": True})
        wait_for_record(queued["id"], timeout=15)
        wait_for_sync_run(timeout=15)  # the sync has begun: killing now cuts it mid-way
        uplink.kill()  # between delivery and ack: no result, no ack, no clean close
        uplink.wait(10)
        uplink = start_uplink(slow_erp_env)
        answered = wait_for_command(cloud, queued["id"], states=("done", "failed"), timeout=30)
    finally:
        stop(uplink)

    assert answered["attempts"] == 2  # sent again on the reconnect
    assert answered["state"] == "failed" and answered["result"] == {"error": INTERRUPTED}
    assert SyncRun.objects.count() == 1  # the sync ran once: the resend did not start another
    assert ReceivedCommand.objects.get(pk=queued["id"]).deliveries == 2


@pytest.mark.e2e
def test_it_answers_the_resend_from_the_stored_result_after_a_stop_before_the_ack(
    cloud, slow_erp_env, store_id
):
    uplink = start_uplink(slow_erp_env)
    try:
        wait_for_store(cloud, store_id, online=True, timeout=30)
        queued = post_command(cloud, store_id, "erp.sync", {"stock_only": True})
        wait_for_record(queued["id"], timeout=15)
        # SIGTERM closes the tunnel at once; the run finishes and is stored, but its ack has
        # no tunnel left to go down.
        assert stop(uplink) == 0
        stored = ReceivedCommand.objects.get(pk=queued["id"])
        unanswered = wait_for_command(cloud, queued["id"], states=("sent",), timeout=1)
        uplink = start_uplink(slow_erp_env)
        answered = wait_for_command(cloud, queued["id"], states=("done", "failed"), timeout=30)
    finally:
        stop(uplink)

    assert unanswered["state"] == "sent"
    assert stored.state == "failed" and stored.result["error"].startswith("the stock sync failed")
    assert answered["state"] == "failed" and answered["result"] == stored.result
    assert answered["attempts"] == 2
    assert SyncRun.objects.count() == 1
