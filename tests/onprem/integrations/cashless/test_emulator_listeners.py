from __future__ import annotations

import time

import httpx

from tests.conftest import free_port


def _register(emulator, url: str) -> int:
    with httpx.Client(base_url=emulator["url"], auth=("api", "test")) as http:
        return http.post("/api/v4/events/register", json={"url": url}).status_code


def test_it_keeps_ten_listeners_and_replaces_the_oldest(emulator, reader):
    urls = [f"http://127.0.0.1:9/listener-{i}" for i in range(12)]
    assert {_register(emulator, url) for url in urls} == {204}
    assert reader.http.get("/listeners").json()["data"] == urls[2:]


def test_it_posts_an_event_once_without_retry(emulator, reader):
    dead = f"http://127.0.0.1:{free_port()}/gone"
    _register(emulator, dead)
    reader.present(tagNr="04AA000000060")  # no job running: a NewTag event
    deadline = time.monotonic() + 5
    while not reader.delivered() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    attempts = reader.delivered()
    assert len(attempts) == 1
    assert attempts[0]["url"] == dead and attempts[0]["outcome"].startswith("failed")
    assert attempts[0]["event"]["type"] == "NewTag"
