"""Command round trip: REST request -> ingest publishes -> cart agent runs it -> ack -> ingest ->
REST shows `done`. 200 `display_message` commands to 24 simulated carts (`smartcart simulate`,
one process, each cart its own MQTT client and outbox), through daphne, `manage.py ingest`,
Mosquitto and MariaDB, as in a store.

    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/test SMARTCART_MQTT_URL=mqtt://127.0.0.1:1883 \\
        python bench/commands.py [--commands 200] [--carts 24] [--clients 4]

Each of `--clients` threads sends a command, polls GET /api/v1/commands/{id}/ every 10 ms until
it ends, and goes on with the next. Every command shows a unique text; the simulator logs each
time a cart shows one, so what ran twice (or never) is counted on the agents' side.
It migrates a scratch database `<name>_cmdbench` beside the configured one (dropped first) and
uses a fresh store id, so it can share a broker. Last line:
commands=<n> p50_ms=<ms> p95_ms=<ms> lost=<n> twice=<n>
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.ingest import recreate_database  # noqa: E402

FINAL = {"done", "failed", "rejected", "expired"}
POLL_SECONDS = 0.01


def scratch_db_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_cmdbench"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} did not happen within {timeout}s")
        time.sleep(0.2)


def prepare(db_url: str, store: str, carts: int) -> tuple[dict, str]:
    """A scratch store with 3 racks and the carts provisioned; the env and a staff token."""
    env = {
        **os.environ,
        "SMARTCART_DB_URL": scratch_db_url(db_url),
        "SMARTCART_STORE_ID": store,
        "SMARTCART_TIER": "onprem",
        "DJANGO_SETTINGS_MODULE": "onprem.settings",
        "SMARTCART_LOG_LEVEL": "WARNING",
        "SMARTCART_DEMO": "1",
        "PYTHONUNBUFFERED": "1",
    }
    os.environ.update(env)
    recreate_database(env["SMARTCART_DB_URL"])
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from onprem.core.tokens import issue_token
    from onprem.fleet.services import provision_device

    for n in range(1, 4):
        provision_device(kind="rack", device_id=f"rack-{n:02d}", slot_count=10)
    for n in range(1, carts + 1):
        provision_device(kind="cart", device_id=f"cart-{n:03d}")
    get_user_model().objects.create_user("bench-manager", is_staff=True)
    return env, issue_token(username="bench-manager", scopes=["staff"]).token


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base, self.headers = (
            base,
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )

    def call(self, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, headers=self.headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def round_trip(api: Api, cart: str, text: str, deadline_s: float) -> tuple[float | None, str]:
    """Seconds from the POST to the first GET that shows the command ended, and its state."""
    started = time.perf_counter()
    command = api.call(
        f"/api/v1/carts/{cart}/commands/",
        {"command": "display_message", "args": {"text": text, "seconds": 5}, "ttl_s": 60},
    )
    while time.perf_counter() - started < deadline_s:
        state = api.call(f"/api/v1/commands/{command['id']}/")["state"]
        if state in FINAL:
            return time.perf_counter() - started, state
        time.sleep(POLL_SECONDS)
    return None, "unfinished"


def client(api: Api, work: queue.Queue, results: list, deadline_s: float) -> None:
    while True:
        try:
            n, cart = work.get_nowait()
        except queue.Empty:
            return
        results.append((n, *round_trip(api, cart, f"bench {n}", deadline_s)))


def start(name: str, args: list[str], env: dict, logs: Path) -> subprocess.Popen:
    log = open(logs / f"{name}.log", "w")  # noqa: SIM115 - closed with the process at exit
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def executions(log: Path) -> Counter:
    """How often each bench text was shown, from the simulated carts' HAL log lines."""
    return Counter(re.findall(r"shows 'bench (\d+)'", log.read_text()))


def legs() -> str:
    """Where the time went, from the store's own timestamps: requested -> published by ingest
    -> first ack received by ingest -> final ack received."""
    from onprem.commands.models import Command

    rows = Command.objects.values_list("created_at", "sent_at", "acked_at", "finished_at")
    names = ("request->sent", "sent->first ack", "first->final ack")
    spans = {name: [] for name in names}
    for row in rows:
        for name, start, end in zip(names, row[:-1], row[1:], strict=True):
            if start and end:
                spans[name].append((end - start).total_seconds() * 1000)
    return ", ".join(
        f"{n} p50={statistics.median(v):.0f} max={max(v):.0f}" for n, v in spans.items() if v
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--carts", type=int, default=24)
    parser.add_argument("--clients", type=int, default=4, help="concurrent REST clients")
    args = parser.parse_args(argv)
    db_url, mqtt_url = (
        os.environ.get("SMARTCART_DB_URL", ""),
        os.environ.get("SMARTCART_MQTT_URL", ""),
    )
    if not db_url.startswith(("mysql", "mariadb")) or not mqtt_url:
        print(
            "bench/commands.py needs SMARTCART_DB_URL (MySQL/MariaDB) and SMARTCART_MQTT_URL",
            file=sys.stderr,
        )
        return 2
    store = f"cmdbench{uuid.uuid4().hex[:6]}"
    env, token = prepare(db_url, store, args.carts)
    logs = Path(tempfile.mkdtemp(prefix="cmdbench-"))
    port = free_port()
    py = sys.executable
    procs = [
        start(
            "daphne",
            [py, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "onprem.asgi:application"],
            env,
            logs,
        ),
        start("ingest", [py, "manage.py", "ingest", "--name", f"ingest-{store}"], env, logs),
        start(
            "simulator",
            [
                py,
                "-m",
                "smartcart.cli",
                "simulate",
                "--store",
                store,
                "--racks",
                "3",
                "--carts",
                str(args.carts),
                "--mqtt",
                mqtt_url,
                "--outbox-dir",
                str(logs / "outbox"),
                "--seed",
                "7",
            ],
            {**env, "SMARTCART_LOG_LEVEL": "INFO"},
            logs,
        ),
    ]
    try:
        from onprem.fleet.models import Cart

        wait_until(
            lambda: Cart.objects.filter(online=True).count() == args.carts, 60, "every cart online"
        )
        api = Api(f"http://127.0.0.1:{port}", token)
        work: queue.Queue = queue.Queue()
        for n in range(args.commands):
            work.put((n, f"cart-{n % args.carts + 1:03d}"))
        results: list = []
        threads = [
            threading.Thread(target=client, args=(api, work, results, 30.0))
            for _ in range(args.clients)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        time.sleep(2)  # a late duplicate execution would show up in the log by now
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    shown = executions(logs / "simulator.log")
    print(f"legs ms: {legs()}")
    times = sorted(r[1] * 1000 for r in results if r[1] is not None and r[2] == "done")
    lost = args.commands - len(times)
    twice = sum(1 for count in shown.values() if count > 1)
    never = sum(1 for n in range(args.commands) if str(n) not in shown)
    p50 = statistics.median(times) if times else 0.0
    p95 = times[max(0, round(0.95 * len(times)) - 1)] if times else 0.0
    print(
        f"{args.commands} display_message commands to {args.carts} carts, {args.clients} clients, "
        f"{elapsed:.1f}s; states: {dict(Counter(r[2] for r in results))}"
    )
    print(
        f"round trip ms: min={times[0]:.0f} p50={p50:.0f} p95={p95:.0f} max={times[-1]:.0f}"
        if times
        else "none done"
    )
    slowest = sorted(results, key=lambda r: -(r[1] or 99))[:10]
    print("slowest (n, ms):", [(n, round((t or 99) * 1000)) for n, t, _ in slowest])
    print(
        f"agents: {len(shown)} distinct commands shown, {never} never, {twice} more than once; logs in {logs}"
    )
    print(
        f"commands={args.commands} p50_ms={p50:.0f} p95_ms={p95:.0f} lost={lost + never} twice={twice}"
    )
    return 0 if lost == 0 and twice == 0 and never == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
