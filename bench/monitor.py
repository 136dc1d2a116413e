"""Incidents at fleet scale: 1,000 stores heartbeating, 50 break at once, how soon ops hear.

    .venv/bin/python bench/monitor.py [--stores 1000] [--break 50] [--grace 20]
        [--db mysql://root@127.0.0.1:3306/h1] [--redis redis://127.0.0.1:6379/1]

Starts one cloud (daphne cloud.asgi on a free port, and `manage.py monitor --interval 2`, as a
deployment without Celery beat runs it), registers the stores, and runs them as real uplinks
(onprem.uplink.client.Uplink, the store's own tunnel client) in --sims asyncio processes, each
heartbeating every --heartbeat seconds with every component healthy. An ops client creates a
webhook channel through the REST API pointing at a receiver in this process (which checks
each body's HMAC signature). Once every store is online and the fleet is quiet, --break stores
report their ingest down at the same moment. Measured: the time until all their incidents are
open, and for each store the time its "opened" webhook arrived counted from break + grace
(the part the cloud adds: the heartbeat's wait, the sweep, the delivery); the cloud's CPU and
RSS (daphne and the monitor); notifications lost (webhooks expected - received); incidents
opened for stores that did not break. The last line is
`stores=<n> incidents=<n> notify_p95_s=<s> lost=<n>`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.tunnels import KEY, code  # noqa: E402  (the same stores as bench/tunnels.py)
from bench.tunnels import setup_cloud as register_stores  # noqa: E402

SECRET = "bench-webhook-secret-0123456789abcdef"
PROBLEM = "component:ingest"


# -- the simulated stores (one asyncio process holds many real Uplink clients)


def heartbeat_body(store: str, broken: bool) -> dict:
    ok = {"ok": True, "detail": "bench", "ms": 0.1}
    ingest = {
        "ok": not broken,
        "detail": "ingest ingest-1 stopped (bench)" if broken else "running",
        "lag_ms": 35.0,
        "last_flush_age_s": 0.4,
        "stored_total": 10_000,
        "dead_total": 3,
        "crashes": 0,
    }
    carts = {"total": 40, "online": 38, "offline": 2, "low_battery": 3, "fault": 0, "docked": 20}
    return {
        "store": store,
        "status": "degraded" if broken else "ok",
        "components": {
            "database": ok,
            "cache": ok,
            "broker": ok,
            "ingest": ingest,
            "erp": {**ok, "detail": "not configured"},
            "cashless": {**ok, "detail": "not configured"},
            "disk": {**ok, "free_pct": 64.0, "free_mb": 80_000.0},
        },
        "fleet": {"carts": carts, "racks": {"total": 2, "online": 2, "offline": 0}},
        "software": {"version": "0.1.0", "protocol": 1},
    }


async def simulate(url: str, first: int, count: int, heartbeat: float, broken_below: int) -> None:
    """Run stores first..first+count-1; a line "break" on stdin breaks those under
    `broken_below`. Prints a status line (JSON) every second."""
    from onprem.uplink.client import Backoff, Uplink, tunnel_url

    broken = threading.Event()
    threading.Thread(
        target=lambda: [broken.set() for line in sys.stdin if "break" in line], daemon=True
    ).start()
    uplinks = []
    for n in range(first, first + count):
        store = code(n)

        async def build(store=store, breaks=n < broken_below) -> dict:
            return heartbeat_body(store, breaks and broken.is_set())

        uplinks.append(
            Uplink(
                url=tunnel_url(url),
                store=store,
                key=KEY,
                heartbeat_seconds=heartbeat,
                build_heartbeat=build,
                backoff=Backoff(cap=10.0),
                handlers={},
            )
        )

    async def start(uplink: Uplink) -> None:
        await asyncio.sleep(random.uniform(0, heartbeat))  # spread the heartbeats
        await uplink.run()

    async def report() -> None:
        while True:
            print(json.dumps({"up": sum(u.up for u in uplinks)}), flush=True)
            await asyncio.sleep(1)

    await asyncio.gather(report(), *(start(u) for u in uplinks))


# -- the webhook receiver


class Receiver:
    """Webhooks as they arrive: (time, store, event, delivery id); bad signatures counted."""

    def __init__(self):
        self.hooks: list[tuple[float, str, str, str]] = []
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                wanted = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                if not hmac.compare_digest(wanted, self.headers.get("X-SmartCart-Signature", "")):
                    receiver.bad_signatures += 1
                else:
                    hook = json.loads(body)
                    receiver.hooks.append(
                        (
                            time.time(),
                            hook["incident"]["store"],
                            hook["event"],
                            self.headers.get("X-SmartCart-Delivery", ""),
                        )
                    )
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def first_opened(self) -> dict[str, float]:
        first: dict[str, float] = {}
        for at, store, event, _ in self.hooks:
            if event == "opened":
                first.setdefault(store, at)
        return first


# -- the cloud and the measurement


def cloud_env(var: Path, args) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SMARTCART_") or k == "SMARTCART_DEMO"
    }
    env.update(
        SMARTCART_TIER="cloud",
        DJANGO_SETTINGS_MODULE="cloud.settings",
        SMARTCART_DEMO="1",
        SMARTCART_VAR_DIR=str(var),
        SMARTCART_CLOUD_DB_URL=args.db or f"sqlite:///{var}/cloud.sqlite3",
        SMARTCART_LOG_LEVEL="WARNING",
        SMARTCART_INCIDENT_GRACE_SECONDS=str(args.grace),
        PYTHONUNBUFFERED="1",
    )
    if args.redis:
        env["SMARTCART_REDIS_URL"] = args.redis
    return env


def setup_cloud(env: dict, args) -> str:
    """A fresh database with the stores registered (same key); an ops token."""
    if args.db:
        from bench.shopper import recreate_database

        recreate_database(args.db)
    return register_stores(env, args.stores)


def create_channel(base: str, token: str, url: str) -> None:
    import httpx

    response = httpx.post(
        f"{base}/api/v1/notification-channels/",
        json={"name": "bench-hook", "kind": "webhook", "target": url, "secret": SECRET},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 201, response.text[:500]


class Usage:
    """CPU (share of one core) and RSS of the cloud's processes between two readings."""

    def __init__(self, pids: list[int]):
        import psutil

        self.procs = [psutil.Process(pid) for pid in pids]
        self.mark()

    def mark(self) -> None:
        self.cpu, self.wall = self.cpu_total(), time.monotonic()

    def cpu_total(self) -> float:
        return sum(t.user + t.system for t in (p.cpu_times() for p in self.procs))

    def since_mark(self) -> str:
        share = (self.cpu_total() - self.cpu) / max(time.monotonic() - self.wall, 1e-6)
        rss = [p.memory_info().rss / 2**20 for p in self.procs]
        return f"CPU {share * 100:.0f}% of one core, RSS " + " + ".join(f"{r:.0f}" for r in rss)


def wait_for(check, timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(every)
    return check()


def start_processes(env: dict, port: int) -> list[subprocess.Popen]:
    daphne = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port)]
    return [
        subprocess.Popen([*daphne, "cloud.asgi:application"], cwd=ROOT, env=env),
        subprocess.Popen(
            [sys.executable, "manage.py", "monitor", "--interval", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,  # its "incidents: opened n" lines; the figures say it
        ),
    ]


def start_sims(env: dict, base: str, args) -> list[subprocess.Popen]:
    per_sim = -(-args.stores // args.sims)
    sim_env = {**env, "DJANGO_SETTINGS_MODULE": "onprem.settings", "SMARTCART_TIER": "onprem"}
    return [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--simulate",
                base,
                "--first",
                str(first),
                "--count",
                str(min(per_sim, args.stores - first)),
                "--heartbeat",
                str(args.heartbeat),
                "--broken-below",
                str(args.broken),
            ],
            cwd=ROOT,
            env=sim_env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )
        for first in range(0, args.stores, per_sim)
    ]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def measure(args, usage: Usage, receiver: Receiver, sims: list[subprocess.Popen]) -> str:
    from cloud.incidents.models import Incident
    from cloud.stores.models import Store

    online = Store.objects.filter(online=True)
    wait_for(lambda: online.count() >= args.stores, args.heartbeat + 120, every=1)
    print(f"online: {online.count()}/{args.stores}", flush=True)
    time.sleep(args.grace + args.heartbeat)  # settled: nothing opens on a healthy fleet
    usage.mark()
    time.sleep(args.heartbeat * 2)
    print(f"steady: {Incident.objects.count()} incidents, {usage.since_mark()}", flush=True)

    usage.mark()
    broke_at = time.time()
    for sim in sims:
        sim.stdin.write("break\n")
        sim.stdin.flush()
    opened = Incident.objects.filter(problem=PROBLEM, state="open")
    all_open = wait_for(lambda: opened.count() >= args.broken, args.grace + args.timeout)
    open_s = time.time() - broke_at
    wait_for(lambda: len(receiver.first_opened()) >= args.broken, args.timeout)
    during = usage.since_mark()
    time.sleep(3)  # duplicates, if any, would come now
    first = receiver.first_opened()
    broken_codes = {code(n) for n in range(args.broken)}
    notify = [first[c] - broke_at - args.grace for c in broken_codes if c in first]
    lost = len(broken_codes - set(first))
    strays = Incident.objects.exclude(store__code__in=broken_codes).count()
    deliveries = [h[3] for h in receiver.hooks]
    print(
        f"break: {args.broken} stores at once; all incidents open {open_s:.1f} s after the break "
        f"({'all' if all_open else opened.count()}); webhooks {len(receiver.hooks)} "
        f"(duplicates {len(deliveries) - len(set(deliveries))}, bad signatures "
        f"{receiver.bad_signatures}); notify after break+grace p50 {percentile(notify, 0.5):.1f} s "
        f"p95 {percentile(notify, 0.95):.1f} s max {max(notify, default=float('nan')):.1f} s; "
        f"incidents on healthy stores {strays}; cloud {during}",
        flush=True,
    )
    return (
        f"stores={args.stores} incidents={opened.count()} "
        f"notify_p95_s={percentile(notify, 0.95):.1f} lost={lost}"
    )


def run(args) -> int:
    from tests.conftest import free_port, wait_for_port

    with tempfile.TemporaryDirectory() as tmp:
        env = cloud_env(Path(tmp), args)
        started = time.monotonic()
        token = setup_cloud(env, args)
        print(f"registered {args.stores} stores in {time.monotonic() - started:.1f} s", flush=True)
        port = free_port()
        cloud = start_processes(env, port)
        sims: list[subprocess.Popen] = []
        try:
            wait_for_port(port)
            base = f"http://127.0.0.1:{port}"
            receiver = Receiver()
            create_channel(base, token, receiver.url)
            usage = Usage([p.pid for p in cloud])
            sims = start_sims(env, base, args)
            last = measure(args, usage, receiver, sims)
        finally:
            for proc in [*sims, *cloud]:
                proc.terminate()
            for proc in [*sims, *cloud]:
                proc.wait(30)
        print(last)
    return 0


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--break", dest="broken", type=int, default=50, help="stores that break")
    parser.add_argument("--grace", type=int, default=20, help="SMARTCART_INCIDENT_GRACE_SECONDS")
    parser.add_argument("--sims", type=int, default=2, help="simulator processes")
    parser.add_argument("--heartbeat", type=float, default=10.0, help="seconds between heartbeats")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each end")
    parser.add_argument("--db", help="a MariaDB URL (recreated); default SQLite in a temp dir")
    parser.add_argument("--redis", help="a Redis URL: cache and channel layer")
    parser.add_argument("--simulate", metavar="CLOUD_URL", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--broken-below", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.simulate:
        import logging

        logging.basicConfig(level=logging.ERROR)
        asyncio.run(
            simulate(args.simulate, args.first, args.count, args.heartbeat, args.broken_below)
        )
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
