"""Remote access through the tunnel: download speed, and the latency the proxy adds.

    .venv/bin/python bench/proxy.py [--mb 20] [--calls 200] [--redis URL]

Starts, in a temporary directory, a cloud (daphne; the in-memory channel layer, or Redis with
--redis), a store's on-prem tier (daphne) and its uplink, all real processes on SQLite. A
local HTTP server stands in for rack-01's page and serves --mb megabytes of random bytes.

Measured: the download of those bytes through /remote/{store}/racks/rack-01/big (best of three,
sha256 checked), and --calls small API calls (GET /api/v1/carts/?limit=1) made directly at the
store and through /remote/{store}/ (p50 of each, one after another on a kept-alive client).
The last line is `download_mb_s=.. p50_added_ms=.. p50_direct_ms=.. p50_proxied_ms=..`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
STORE = "bench-store"
KEY = "bench-store-key-0123456789abcdefghijklmnop"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit(f"bench: nothing answers at {url}")


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"bench: manage.py {' '.join(args)} failed: {done.stderr[-1500:]}")
    return done.stdout


def tier_env(tmp: Path, tier: str, redis: str | None) -> dict:
    var = tmp / tier
    var.mkdir()
    env = {
        **os.environ,
        "SMARTCART_DEMO": "1",
        "SMARTCART_TIER": tier,
        "DJANGO_SETTINGS_MODULE": f"{tier}.settings",
        "SMARTCART_VAR_DIR": str(var),
        "SMARTCART_STORE_ID": STORE,
        "SMARTCART_LOG_LEVEL": "WARNING",
    }
    for name in ("SMARTCART_DB_URL", "SMARTCART_CLOUD_DB_URL", "SMARTCART_REDIS_URL"):
        env.pop(name, None)
    if redis and tier == "cloud":
        env["SMARTCART_REDIS_URL"] = redis
    return env


class BigPage(BaseHTTPRequestHandler):
    """rack-01's page stand-in: /big is the payload."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        payload = self.server.payload
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


def daphne(env: dict, app: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), app],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    return proc, f"http://127.0.0.1:{port}"


def start(tmp: Path, redis: str | None, page_url: str) -> tuple[list[subprocess.Popen], dict]:
    cloud_env, store_env = tier_env(tmp, "cloud", redis), tier_env(tmp, "onprem", None)
    manage(cloud_env, "migrate", "-v", "0")
    manage(store_env, "migrate", "-v", "0")
    ops = json.loads(manage(cloud_env, "bootstrap_demo", "--store", STORE, f"--key={KEY}"))
    staff = json.loads(
        manage(store_env, "bootstrap_demo", "--racks", "1", "--slots", "2", "--carts", "2",
               "--credentials", str(tmp / "creds.json"))
    )  # fmt: skip
    manage(store_env, "shell", "-c",
           f"from onprem.fleet.models import Rack; Rack.objects.update(page_url={page_url!r})")  # fmt: skip
    cloud, cloud_url = daphne(cloud_env, "cloud.asgi:application")
    store, store_url = daphne(store_env, "onprem.asgi:application")
    wait_for(cloud_url + "/healthz")
    wait_for(store_url + "/healthz")
    uplink_env = {**store_env, "SMARTCART_CLOUD_URL": cloud_url, "SMARTCART_CLOUD_STORE_KEY": KEY,
                  "SMARTCART_REMOTE_ONPREM_URL": store_url, "SMARTCART_HEARTBEAT_SECONDS": "1"}  # fmt: skip
    uplink = subprocess.Popen([sys.executable, "manage.py", "uplink"], cwd=ROOT, env=uplink_env)
    urls = {"cloud": cloud_url, "store": store_url, "ops": ops["ops_token"],
            "staff": staff["staff_token"]}  # fmt: skip
    return [cloud, store, uplink], urls


def wait_online(urls: dict) -> None:
    headers = {"Authorization": f"Bearer {urls['ops']}"}
    for _ in range(150):
        store = httpx.get(f"{urls['cloud']}/api/v1/stores/{STORE}/", headers=headers).json()
        if store.get("online"):
            return
        time.sleep(0.2)
    raise SystemExit("bench: the store never came online")


def download(urls: dict, payload: bytes) -> float:
    """Seconds for one download of the payload through the tunnel (sha256 checked)."""
    url = f"{urls['cloud']}/remote/{STORE}/racks/rack-01/big"
    digest = hashlib.sha256()
    started = time.perf_counter()
    with httpx.stream("GET", url, headers={"Authorization": f"Bearer {urls['ops']}"},
                      timeout=120) as answer:  # fmt: skip
        for chunk in answer.iter_raw():
            digest.update(chunk)
    took = time.perf_counter() - started
    if answer.status_code != 200 or digest.digest() != hashlib.sha256(payload).digest():
        raise SystemExit(f"bench: the download came back wrong (HTTP {answer.status_code})")
    return took


def p50_ms(url: str, token: str, calls: int) -> float:
    times = []
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        for n in range(calls + 5):
            started = time.perf_counter()
            answer = client.get(url)
            if answer.status_code != 200:
                raise SystemExit(f"bench: {url} answered {answer.status_code}: {answer.text[:300]}")
            if n >= 5:  # the first calls warm connections and the store's token
                times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--redis", help="the cloud's channel layer on this Redis (redis://...)")
    args = parser.parse_args()
    page = ThreadingHTTPServer(("127.0.0.1", 0), BigPage)
    page.payload = os.urandom(args.mb * 2**20)
    threading.Thread(target=page.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        procs, urls = start(Path(tmp), args.redis, f"http://127.0.0.1:{page.server_address[1]}/")
        try:
            wait_online(urls)
            best = min(download(urls, page.payload) for _ in range(3))
            mb_s = args.mb / best
            print(f"download {args.mb} MB through the tunnel: best {best:.2f} s = {mb_s:.1f} MB/s")
            small = "/api/v1/carts/?limit=1"
            direct = p50_ms(urls["store"] + small, urls["staff"], args.calls)
            proxied = p50_ms(f"{urls['cloud']}/remote/{STORE}{small}", urls["ops"], args.calls)
            print(f"GET {small}: p50 direct {direct:.1f} ms, through the tunnel {proxied:.1f} ms")
            # For scale: a cloud API call of the same size, which crosses no tunnel.
            cloud_api = p50_ms(f"{urls['cloud']}/api/v1/stores/{STORE}/", urls["ops"], args.calls)
            print(f"GET /api/v1/stores/{STORE}/ on the cloud (no tunnel): p50 {cloud_api:.1f} ms")
        finally:
            for proc in reversed(procs):  # the uplink first: it must not see the cloud go
                proc.terminate()
                proc.wait(20)
            page.shutdown()
    print(
        f"download_mb_s={mb_s:.1f} p50_added_ms={proxied - direct:.1f} "
        f"p50_direct_ms={direct:.1f} p50_proxied_ms={proxied:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
