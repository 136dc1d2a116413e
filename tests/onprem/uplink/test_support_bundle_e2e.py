"""Ops in the cloud, end to end: run remote actions through the command outbox and the tunnel,
then download the support bundle through the remote-access proxy. Every process is real."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import httpx
import pytest

from . import proxy_env
from .proxy_env import remote
from .store_commands_support import post_command, wait_for_command

remote_store = proxy_env.remote_store


@pytest.mark.e2e
def test_ops_reads_a_log_and_downloads_a_support_bundle_through_the_tunnel(
    remote_store, uplink_env
):
    logs = Path(uplink_env["SMARTCART_VAR_DIR"]) / "logs"
    logs.mkdir(exist_ok=True)
    (logs / "ingest.log").write_text("".join(f"flushed batch {n}\n" for n in range(300)))
    cloud = {"url": remote_store["cloud"], "token": remote_store["token"]}

    tail = post_command(
        cloud, remote_store["store"], "action.logs", {"component": "ingest", "lines": 100}
    )
    bundle = post_command(cloud, remote_store["store"], "action.support_bundle")
    tail = wait_for_command(cloud, tail["id"], states=("done", "failed"), timeout=30)
    bundle = wait_for_command(cloud, bundle["id"], states=("done", "failed"), timeout=30)

    assert tail["state"] == "done", tail
    assert tail["result"]["lines"] == [f"flushed batch {n}" for n in range(200, 300)]
    assert bundle["state"] == "done", bundle
    download = remote(remote_store, bundle["result"]["download_path"])
    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "application/gzip"
    assert hashlib.sha256(download.content).hexdigest() == bundle["result"]["sha256"]
    with tarfile.open(fileobj=io.BytesIO(download.content)) as tar:
        assert tar.extractfile("logs/ingest.log").read().decode().endswith("flushed batch 299\n")


@pytest.mark.e2e
def test_the_cloud_shows_a_refused_action_with_its_sentence(remote_store):
    cloud = {"url": remote_store["cloud"], "token": remote_store["token"]}

    queued = post_command(cloud, remote_store["store"], "action.restart", {"component": "uplink"})
    done = wait_for_command(cloud, queued["id"], states=("done", "failed"), timeout=30)

    assert done["state"] == "failed"
    assert done["result"]["error"] == (
        "action.restart: uplink cannot be restarted remotely: the uplink carries this command "
        "and its answer; restart it on the store box"
    )
    assert httpx.get(
        f"{remote_store['cloud']}/api/v1/stores/{remote_store['store']}/",
        headers={"Authorization": f"Bearer {remote_store['token']}"},
        timeout=5,
    ).json()["online"]
