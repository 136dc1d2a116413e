"""A download that gets no byte for `give_up_after` seconds ends download_failed instead of
trying forever; one that keeps getting bytes through errors goes on."""

from __future__ import annotations

import threading

import pytest

from smartcart.agentkit.download import Download, DownloadFailed
from tests.agents.ota_kit import ArtifactServer


@pytest.mark.timeout(30)
def test_it_gives_up_when_nothing_arrives_for_too_long(tmp_path):
    server = ArtifactServer()
    gone = f"http://127.0.0.1:{server.httpd.server_port}/a/nothing-here.tar.gz"
    fetch = Download(
        url=gone, part=tmp_path / "x.part", size=1000, auth=("cart-001", "pw"),
        stopping=threading.Event(), give_up_after=1.5,
    )  # fmt: skip
    with pytest.raises(DownloadFailed, match="no byte of .* for [12] s; last error: .*HTTP 404"):
        fetch.run()
    server.close()
    assert len(server.requests) >= 2  # it did try again before giving up
    assert not (tmp_path / "x.part").exists()


@pytest.mark.timeout(30)
def test_it_goes_on_through_cuts_while_bytes_keep_coming(tmp_path):
    artifact = tmp_path / "image.bin"
    artifact.write_bytes(bytes(range(256)) * 2000)
    server = ArtifactServer(cut_after=100_000)
    url = server.add(artifact)
    fetch = Download(
        url=url, part=tmp_path / "x.part", size=512_000, auth=None,
        stopping=threading.Event(), give_up_after=0.1,
    )  # fmt: skip
    assert fetch.run().read_bytes() == artifact.read_bytes()
    server.close()
    assert [r.get("Range") for r in server.requests] == [None, "bytes=100000-"]
