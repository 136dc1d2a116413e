from __future__ import annotations

import time

import httpx
import pytest

from . import proxy_env
from .proxy_env import audit

remote_store, rack_page = proxy_env.remote_store, proxy_env.rack_page


@pytest.mark.e2e
def test_it_stops_the_store_when_the_client_goes_away_mid_download(remote_store, rack_page):
    url = f"{remote_store['cloud']}/remote/{remote_store['store']}/racks/rack-01/endless"
    headers = {"Authorization": f"Bearer {remote_store['token']}"}

    with httpx.stream("GET", url, headers=headers, timeout=30) as answer:
        assert answer.status_code == 200
        first = next(answer.iter_raw())  # one piece, then hang up
    assert first

    # The cloud sends http_cancel; the store cancels the request and closes its connection to
    # the page, whose write then fails: the 4 GiB (minutes of work) never flow through.
    # How soon depends on daphne noticing the closed socket: 0.1 s to 15 s seen on a busy
    # 2-core machine. Without the cancel, the 4 GiB would take minutes.
    deadline = time.monotonic() + 45
    while not rack_page.broken:
        assert time.monotonic() < deadline, "the rack page was still being read after 45 s"
        time.sleep(0.1)
    row = audit(remote_store)[0]
    assert row["refused"] == "the client went away before the end"
    assert 0 < row["bytes"] < 2048 * 2**20
