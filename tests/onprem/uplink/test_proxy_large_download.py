from __future__ import annotations

import hashlib
import os

import httpx
import pytest

from . import proxy_env
from .proxy_env import audit

remote_store, rack_page = proxy_env.remote_store, proxy_env.rack_page


@pytest.mark.e2e
def test_it_streams_a_multi_megabyte_answer_intact(remote_store, rack_page):
    rack_page.big = os.urandom(6 * 2**20 + 12345)  # 49 chunks and a bit: many ack windows
    url = f"{remote_store['cloud']}/remote/{remote_store['store']}/racks/rack-01/big"
    headers = {"Authorization": f"Bearer {remote_store['token']}"}

    digest, size = hashlib.sha256(), 0
    with httpx.stream("GET", url, headers=headers, timeout=60) as answer:
        assert answer.status_code == 200
        for chunk in answer.iter_raw():
            digest.update(chunk)
            size += len(chunk)

    assert size == len(rack_page.big)
    assert digest.hexdigest() == hashlib.sha256(rack_page.big).hexdigest()
    assert audit(remote_store)[0]["bytes"] == size
