"""A database error in the middle of ingest's work costs a retry, never data or the process."""

from __future__ import annotations

from django.db import OperationalError

from onprem.fleet import ingest as ingest_module
from onprem.fleet import pipeline as pipeline_module
from onprem.fleet.ingest import DeviceDirectory, store_batch
from onprem.fleet.models import Cart

from .conftest import cart_message


def test_a_rolled_back_batch_keeps_the_pending_latest_state(fleet, monkeypatch):
    directory = DeviceDirectory()
    store_batch(
        [cart_message(seq=1, soc=55.0)], directory, state_every=3600
    )  # first batch writes the state
    store_batch(
        [cart_message(seq=2, soc=60.0)], directory, state_every=3600
    )  # not due: waits in memory
    directory.states_written_at = float("-inf")  # due now

    def blip(*args, **kwargs):
        raise OperationalError("injected: server has gone away")

    with monkeypatch.context() as patch:
        patch.setattr(ingest_module, "record_flush", blip)
        try:
            store_batch([], directory, state_every=3600)
        except OperationalError:
            pass  # the pipeline retries the batch; what matters is what memory kept
    store_batch([], directory, state_every=3600)

    assert Cart.objects.get(device_id="cart-001").state.soc == 60.0


def test_the_silent_device_sweep_survives_a_database_blip(
    transactional_db, fleet, monkeypatch, caplog
):
    # transactional: the sweep closes a broken connection, which a test-wide transaction would not survive
    pipeline = pipeline_module.IngestPipeline(name="blip-test")

    def blip(**kwargs):
        raise OperationalError("injected: server has gone away")

    monkeypatch.setattr(pipeline_module, "mark_silent_devices_offline", blip)
    pipeline.sweep_silent_devices()

    assert "silent-device sweep failed" in caplog.text
    monkeypatch.undo()
    pipeline.sweep_silent_devices()  # and the next sweep runs against the database again
