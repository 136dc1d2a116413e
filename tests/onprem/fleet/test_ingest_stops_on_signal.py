"""SIGTERM stops ingest even when it lands inside ingest's wait for messages.

CPython 3.11's SimpleQueue.get(timeout=...) interrupted by a signal just as its deadline
passes waits on with no timeout at all: an idle ingest then never saw its stop flag, and a CI
worker outlived SIGTERM. The handlers wake the inbox; this test fires signals into the wait
until one lands at a deadline, then stops ingest the way SIGTERM does.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from onprem.fleet.pipeline import IngestPipeline

SIGNALS = 3000


@pytest.mark.timeout(60)
def test_it_stops_on_a_signal_that_lands_inside_its_wait(db, settings):
    settings.INGEST_FLUSH_MS = 2  # many deadlines for the signals to land on
    pipeline = IngestPipeline(name="ingest-signals", shared=False)
    seen, pestered = [], threading.Event()

    # Signals that arrive together run the handler once, so the count of handler runs cannot
    # say when the last one came (CI hung waiting for the 3,000th): the sender says it instead.
    def on_signal(*_):
        seen.append(1)
        if pestered.is_set():
            pipeline.stop()
        else:
            pipeline.wake()

    previous = signal.signal(signal.SIGUSR2, on_signal)
    pester = threading.Thread(target=send_signals, args=(pestered, pipeline.stopping), daemon=True)
    try:
        pester.start()
        started = time.monotonic()
        while not (pipeline.stopping.is_set() and pipeline.inbox.empty()):
            assert pipeline.next_batch() == []
        stopped_after = time.monotonic() - started
    finally:
        signal.signal(signal.SIGUSR2, previous)
        pester.join(5)

    assert len(seen) >= SIGNALS / 10 and stopped_after < 30


def send_signals(pestered: threading.Event, stopping: threading.Event) -> None:
    for n in range(SIGNALS):
        # Spread over the 2 ms wait, so some land right at its deadline.
        time.sleep(0.0002 + (n % 17) * 0.0001)
        os.kill(os.getpid(), signal.SIGUSR2)
    pestered.set()
    while not stopping.is_set():  # the stop itself, as SIGTERM would come
        os.kill(os.getpid(), signal.SIGUSR2)
        time.sleep(0.01)
