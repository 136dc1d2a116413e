"""Many stores on one cloud process: tunnels held, heartbeats taken, one command fanned out to all.

    .venv/bin/python bench/tunnels.py [--stores 1000] [--sims 2] [--heartbeat 10] [--redis URL]

Starts one cloud process (daphne, with `manage.py monitor` sweeping every 2 s; SQLite in WAL mode in a temporary directory; the in-memory
channel layer, or Redis with --redis), registers the stores, and runs them as real uplinks
(onprem.uplink.client.Uplink, the store's own tunnel client) in --sims asyncio processes, each
store heartbeating every --heartbeat seconds. Once every store is online, an ops client sends
a `ping` store command to every store through the API (POST /api/v1/stores/{code}/commands/,
--concurrency requests at a time); each simulated store acks it at once. Measured: the time
from the first request to the last ack the cloud recorded, the heartbeats the cloud acked per
second, the cloud's RSS and CPU. The last line is
`stores=<n> fanout_s=<s> heartbeats_per_s=<r> lost=<n>` (lost: stores never online plus
commands not done within --timeout).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEY = "bench-store-key-0123456789abcdefghijklmnop"


def code(n: int) -> str:
    return f"bench-{n:05d}"


# -- the simulated stores (one asyncio process holds many real Uplink clients)


def heartbeat_body(store: str) -> dict:
    carts = {"total": 40, "online": 38, "offline": 2, "low_battery": 3, "fault": 0, "docked": 20}
    return {
        "store": store,
        "status": "ok",
        "components": {"database": {"ok": True, "detail": "bench", "ms": 0.1}},
        "fleet": {"carts": carts, "racks": {"total": 2, "online": 2, "offline": 0}},
    }


async def simulate(url: str, first: int, count: int, heartbeat: float, ramp: float) -> None:
    """Run stores first..first+count-1; print a status line (JSON) every second."""
    from onprem.uplink.client import Backoff, Uplink, tunnel_url
    from smartcart import tunnel_frames as frames

    counts = {"hb_acks": 0, "cmd_acks": 0}

    class CountingUplink(Uplink):
        async def dispatch(self, ws, frame):
            if frame.type == frames.ACK:
                counts["hb_acks"] += 1
            await super().dispatch(ws, frame)

    async def answer(frame: frames.Frame, send) -> None:
        # The store side is not what is measured: answer at once, as a quick command would.
        counts["cmd_acks"] += 1
        await send(frames.ack(frame.id, state="done", result={"pong": True}))

    uplinks = []
    for n in range(first, first + count):
        store = code(n)

        async def build(store=store) -> dict:
            return heartbeat_body(store)

        uplinks.append(
            CountingUplink(
                url=tunnel_url(url),
                store=store,
                key=KEY,
                heartbeat_seconds=heartbeat,
                build_heartbeat=build,
                backoff=Backoff(cap=10.0),
                handlers={frames.COMMAND: answer},
            )
        )

    async def start(uplink: Uplink) -> None:
        # Spread the connects (and so the heartbeats) over the ramp, as real stores would be.
        await asyncio.sleep(random.uniform(0, ramp))
        await uplink.run()

    async def report() -> None:
        while True:
            up = sum(u.up for u in uplinks)
            print(json.dumps({**counts, "up": up}), flush=True)
            await asyncio.sleep(1)

    await asyncio.gather(report(), *(start(u) for u in uplinks))


# -- the cloud and the measurement


def cloud_env(var: Path, redis: str | None) -> dict:
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
        SMARTCART_CLOUD_DB_URL=f"sqlite:///{var}/cloud.sqlite3",
        SMARTCART_LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if redis:
        env["SMARTCART_REDIS_URL"] = redis
    return env


class Sims:
    """The simulator processes and the sum of their latest status lines."""

    def __init__(self, procs: list[subprocess.Popen]):
        self.procs, self.latest = procs, [{"hb_acks": 0, "cmd_acks": 0, "up": 0} for _ in procs]
        for i, proc in enumerate(procs):
            threading.Thread(target=self.read, args=(i, proc), daemon=True).start()

    def read(self, i: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            try:
                self.latest[i] = json.loads(line)
            except ValueError:
                pass

    def total(self, key: str) -> int:
        return sum(status[key] for status in self.latest)

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(30)


def setup_cloud(env: dict, stores: int) -> str:
    """Migrate, register the stores (same key), return an ops token."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cloud.stores import keys
    from cloud.stores.models import Store

    # One INSERT for all: register_store() makes one transaction per store, and the same
    # row comes out of both.
    digest = keys.key_hash(KEY)
    Store.objects.bulk_create(
        [
            Store(code=code(n), name=code(n), key_hash=digest, key_prefix=KEY[:8])
            for n in range(stores)
        ],
        batch_size=500,
    )
    assert Store.objects.count() == stores
    from io import StringIO

    out = StringIO()
    call_command("bootstrap_demo", "--store", code(0), "--key", KEY, stdout=out)
    return json.loads(out.getvalue())["ops_token"]


def wait_online(stores: int, sims: Sims, timeout: float) -> int:
    from cloud.stores.models import Store

    deadline = time.monotonic() + timeout
    online = 0
    while time.monotonic() < deadline:
        online = Store.objects.filter(online=True).exclude(tunnel_channel="").count()
        if online >= stores:
            break
        time.sleep(1)
    print(f"online: {online}/{stores} (uplinks up: {sims.total('up')})", flush=True)
    return online


def chain_command(base: str, token: str) -> list[str]:
    """One request: the same command to every registered store."""
    import httpx

    response = httpx.post(
        f"{base}/api/v1/store-commands/",
        json={"name": "ping", "ttl_s": 300},
        headers={"Authorization": f"Bearer {token}"},
        timeout=120,
    )
    assert response.status_code == 202, response.text[:500]
    return [command["id"] for command in response.json()]


async def per_store_commands(base: str, token: str, stores: int, concurrency: int) -> list[str]:
    """One request per store, --concurrency at a time."""
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    queue = list(range(stores))
    ids: list[str] = []
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as client:

        async def worker() -> None:
            while queue:
                n = queue.pop()
                response = await client.post(
                    f"/api/v1/stores/{code(n)}/commands/", json={"name": "ping", "ttl_s": 300}
                )
                if response.status_code == 202:
                    ids.append(response.json()["id"])
                else:
                    print(f"POST for {code(n)}: {response.status_code} {response.text[:200]}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return ids


def wait_done(ids: list[str], timeout: float) -> tuple[int, float | None]:
    """How many of the commands are done, and the cloud's time of the last ack."""
    from django.db.models import Max

    from cloud.commands.models import StoreCommand

    done_rows = StoreCommand.objects.filter(pk__in=ids, state="done")
    deadline = time.monotonic() + timeout
    while done_rows.count() < len(ids) and time.monotonic() < deadline:
        time.sleep(0.2)
    last = done_rows.aggregate(last=Max("acked_at"))["last"]
    return done_rows.count(), last.timestamp() if last else None


def fan_out(mode: str, args, base: str, token: str, cloud, sims: Sims) -> tuple[float, int]:
    """Send `ping` to every store (one chain request, or one request per store); wait for the
    acks. (seconds from the first request to the last ack the cloud recorded, acks)."""
    acks_before, cpu_before = sims.total("cmd_acks"), cloud.cpu_times()
    first_request = time.time()
    if mode == "chain":
        ids = chain_command(base, token)
    else:
        ids = asyncio.run(per_store_commands(base, token, args.stores, args.concurrency))
    posted = time.time() - first_request
    done, last_ack = wait_done(ids, args.timeout)
    time.sleep(1.5)  # the simulators' next status lines
    fanout_s = (last_ack - first_request) if last_ack else float("nan")
    cpu = cloud.cpu_times()
    fan_cpu = cpu.user + cpu.system - cpu_before.user - cpu_before.system
    print(
        f"fan-out ({mode}): {len(ids)} commands queued in {posted:.2f} s, {done} acked; first "
        f"request to last ack {fanout_s:.2f} s (goal < 10 s); cloud CPU {fan_cpu:.1f} s, RSS "
        f"{cloud.memory_info().rss / 2**20:.0f} MB; acks the stores sent "
        f"{sims.total('cmd_acks') - acks_before}",
        flush=True,
    )
    return fanout_s, done


def measure_heartbeats(sims: Sims, seconds: float) -> float:
    before, started = sims.total("hb_acks"), time.monotonic()
    time.sleep(seconds)
    return (sims.total("hb_acks") - before) / (time.monotonic() - started)


def run(args) -> int:
    import psutil

    from tests.conftest import free_port, wait_for_port

    with tempfile.TemporaryDirectory() as tmp:
        env = cloud_env(Path(tmp), args.redis)
        started = time.monotonic()
        token = setup_cloud(env, args.stores)
        print(f"registered {args.stores} stores in {time.monotonic() - started:.1f} s", flush=True)
        port = free_port()
        daphne = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-v",
                "0",
                "-b",
                "127.0.0.1",
                "-p",
                str(port),
                "cloud.asgi:application",
            ],
            cwd=ROOT,
            env=env,
        )
        # The periodic sweep, as a deployment runs it (beat or this): expiry, and with Redis
        # the resend of what a full channel held back.
        monitor = subprocess.Popen(
            [sys.executable, "manage.py", "monitor", "--interval", "2"], cwd=ROOT, env=env
        )
        wait_for_port(port)
        cloud = psutil.Process(daphne.pid)
        base = f"http://127.0.0.1:{port}"
        per_sim = -(-args.stores // args.sims)
        sims = Sims(
            [
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
                        "--ramp",
                        str(args.heartbeat),
                    ],
                    cwd=ROOT,
                    env={
                        **env,
                        "DJANGO_SETTINGS_MODULE": "onprem.settings",
                        "SMARTCART_TIER": "onprem",
                    },
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for first in range(0, args.stores, per_sim)
            ]
        )
        try:
            connect_started = time.monotonic()
            online = wait_online(args.stores, sims, timeout=args.heartbeat + 120)
            print(f"all online after {time.monotonic() - connect_started:.1f} s", flush=True)
            cpu_before, wall_before = cloud.cpu_times(), time.monotonic()
            heartbeats_per_s = measure_heartbeats(sims, args.heartbeat * 2)
            cpu = cloud.cpu_times()
            idle_cpu = (cpu.user + cpu.system - cpu_before.user - cpu_before.system) / (
                time.monotonic() - wall_before
            )
            rss_idle = cloud.memory_info().rss / 2**20
            print(
                f"steady: {heartbeats_per_s:.1f} heartbeats/s acked, cloud CPU {idle_cpu * 100:.0f}% "
                f"of one core, RSS {rss_idle:.0f} MB",
                flush=True,
            )

            results = {}
            for mode in ("chain", "per-store"):
                results[mode] = fan_out(mode, args, base, token, cloud, sims)
            fanout_s, done = results["chain"]
            lost = (args.stores - online) + (args.stores - done)
            print(
                f"stores={args.stores} fanout_s={fanout_s:.2f} heartbeats_per_s={heartbeats_per_s:.1f} "
                f"lost={lost}"
            )
        finally:
            sims.stop()
            monitor.terminate()
            monitor.wait(30)
            daphne.terminate()
            daphne.wait(30)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=1000)
    parser.add_argument("--sims", type=int, default=2, help="simulator processes")
    parser.add_argument("--heartbeat", type=float, default=10.0, help="seconds between heartbeats")
    parser.add_argument("--concurrency", type=int, default=16, help="API requests at a time")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the acks")
    parser.add_argument("--redis", help="a Redis URL: use the Redis channel layer")
    parser.add_argument("--simulate", metavar="CLOUD_URL", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--ramp", type=float, default=10.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.simulate:
        import logging

        logging.basicConfig(level=logging.ERROR)
        asyncio.run(simulate(args.simulate, args.first, args.count, args.heartbeat, args.ramp))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
