"""Scan-and-add with concurrent shoppers against the on-prem tier as deployed.

    .venv/bin/pip install -e ".[deploy,mysql]"   # uvicorn, uvloop, httptools
    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/test SMARTCART_REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/shopper.py [--shoppers 50] [--seconds 20] [--workers 2]

Creates the database `<name>_shopbench_<pid>` next to SMARTCART_DB_URL's (its own per run, so
two benches never drop each other's; dropped at the end unless --keep), migrates it, loads the
ERP emulator's sample catalog (300 products, as `sync_erp` would) with stock, provisions one
cart per shopper (online, docked, charged) and one shopper account per cart with a token.
Starts the on-prem tier under uvicorn (--workers processes, uvloop + httptools, MariaDB,
Redis cache and channel layer): --interface asgi (default) serves onprem.asgi as deployed
(HTTP from a fixed pool of threads, each keeping its database connection); --interface wsgi
serves Django's WSGI handler from uvicorn's own thread pool, for comparison. Every shopper is paired
with a cart through the API (POST /api/v1/shopper/sessions/).

Then, for --seconds each, --shoppers keep-alive connections keep one request in flight each:
  1. the yardstick: GET /api/v1/shopper/me/ (a bare authenticated DRF endpoint);
  2. scan-and-add: POST /api/v1/shopper/sessions/{id}/items/ {barcode, quantity: 1}, each
     shopper scanning from a basket of 30 products of the catalog.
The load generator is one asyncio process speaking HTTP/1.1 on raw streams (no client library
on the hot path), so it takes as little of the machine's two cores as it can; its own CPU use
is printed, with the server's and MariaDB's (per cent of one core, per phase). Every non-2xx
answer is an error. --profile-pause S runs the scans first, S seconds after printing the
server's pid, for py-spy (docs/benchmarks.md, "Shopping").

The last line is `rps=<r> p50_ms=<x> p99_ms=<y> yardstick_rps=<r> ratio=<q> errors=<n>`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STORE = "shopbench"
BASKET = 30  # distinct products a shopper scans from


def bench_db_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_shopbench_{os.getpid()}"))


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    import MySQLdb

    parts = urlsplit(url)
    conn = MySQLdb.connect(
        host=parts.hostname,
        port=parts.port or 3306,
        user=parts.username or "root",
        passwd=parts.password or "",
    )
    name = parts.path.lstrip("/")
    conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    if drop_only:
        conn.close()
        return
    conn.cursor().execute(
        f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    )
    conn.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tier_env(db_url: str, redis_url: str, var: Path) -> dict:
    env = {
        **os.environ,
        "SMARTCART_DEMO": "1",
        "SMARTCART_TIER": "onprem",
        "DJANGO_SETTINGS_MODULE": "onprem.settings",
        "SMARTCART_DB_URL": db_url,
        "SMARTCART_REDIS_URL": redis_url,
        "SMARTCART_VAR_DIR": str(var),
        "SMARTCART_STORE_ID": STORE,
        "SMARTCART_LOG_LEVEL": "WARNING",
    }
    env.pop("SMARTCART_MQTT_URL", None)
    return env


def prepare(env: dict, shoppers: int) -> tuple[list[str], list[str], list[str]]:
    """The store's catalog, carts and shoppers: (barcodes, pairing codes, shopper tokens)."""
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"bench: migrate failed: {done.stderr[-1500:]}")
    os.environ.update(env)
    import django

    django.setup()
    return load_catalog(), ready_carts(shoppers), shopper_tokens(shoppers)


def load_catalog() -> list[str]:
    from onprem.catalog.services import ProductEntry, StockEntry, apply_products, apply_stock_levels
    from smartcart.emulators.erp.catalog import sample_products

    records = sample_products()
    apply_products(
        entries=[
            ProductEntry(
                code=r["codigo"],
                name=r["descricao"],
                price=Decimal(r["preco_venda"]),
                vat_rate=Decimal(r["aliquota_iva"]),
                unit=r["unidade"],
                barcodes=tuple(r["codigos_barras"]),
            )
            for r in records
        ]
    )
    apply_stock_levels(
        entries=[StockEntry(code=r["codigo"], quantity=Decimal(1000)) for r in records]
    )
    return [r["codigos_barras"][0] for r in records if r["unidade"] == "un"]


def ready_carts(count: int) -> list[str]:
    """Carts as a fresh reading leaves them: online, docked, 90 % charged, healthy."""
    from django.utils import timezone

    from onprem.fleet.models import Cart, CartState, Slot
    from onprem.fleet.services import provision_device

    provision_device(kind="rack", device_id="rack-01", slot_count=min(64, count))
    provision_device(kind="rack", device_id="rack-02", slot_count=min(64, count))
    slots = list(Slot.objects.order_by("rack__device_id", "pk"))
    codes, now = [], timezone.now()
    for n in range(1, count + 1):
        provision_device(kind="cart", device_id=f"cart-{n:03d}")
        cart = Cart.objects.get(device_id=f"cart-{n:03d}")
        cart.online, cart.last_seen = True, now
        cart.save(update_fields=["online", "last_seen"])
        slot = slots[n - 1]
        slot.cart = cart
        slot.save(update_fields=["cart"])
        CartState.objects.create(
            cart=cart,
            soc=90.0,
            voltage=25.2,
            temperature=21.0,
            charging=True,
            health="ok",
            fault_codes=[],
            dock_slot=slot,
            firmware="1.0.0",
            boot_id="bench",
            reading_at=now,
            received_at=now,
        )
        codes.append(cart.pairing_code)
    return codes


def shopper_tokens(count: int) -> list[str]:
    from django.contrib.auth import get_user_model

    from onprem.core.tokens import issue_token

    tokens = []
    for n in range(1, count + 1):
        email = f"shopper{n}@bench.example"
        user = get_user_model().objects.create_user(
            username=email, email=email, first_name=f"Shopper {n}"
        )
        user.set_unusable_password()
        user.save()
        tokens.append(issue_token(username=email, scopes=["shopper"]).token)
    return tokens


def start_server(
    env: dict, port: int, workers: int, logs: Path, interface: str
) -> subprocess.Popen:
    # wsgi: uvicorn runs Django's WSGI handler in a fixed pool of 10 threads per worker, so each
    # thread keeps its MariaDB connection (the on-prem tier serves no WebSocket).
    app = (
        ["--interface", "wsgi", "--factory", "django.core.wsgi:get_wsgi_application"]
        if interface == "wsgi"
        else ["onprem.asgi:application"]
    )
    argv = [
        sys.executable,
        "-m",
        "uvicorn",
        *app,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--no-access-log",
        "--log-level",
        "warning",
        "--lifespan",
        "off",
    ]
    out = (logs / "server.log").open("wb")
    return subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit(f"bench: nothing answers at {url}")


def pair_all(base: str, tokens: list[str], codes: list[str]) -> list[str]:
    sessions = []
    with httpx.Client(base_url=base, timeout=30) as http:
        for token, code in zip(tokens, codes, strict=True):
            got = http.post(
                "/api/v1/shopper/sessions/",
                json={"cart_code": code},
                headers={"Authorization": f"Bearer {token}"},
            )
            if got.status_code != 201:
                raise SystemExit(f"bench: pairing failed: {got.status_code} {got.text[:300]}")
            sessions.append(got.json()["id"])
    return sessions


# --- the load generator: HTTP/1.1 keep-alive on raw asyncio streams ---------------------------


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def request(self, head: bytes, body: bytes) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        length, close = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        if length:
            await self.reader.readexactly(length)
        if close or not status_line:
            self.writer.close()
            self.reader = self.writer = None
        return int(status_line.split()[1]) if status_line else 599


def request_bytes(method: str, path: str, token: str, body: bytes = b"") -> tuple[bytes, bytes]:
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode(), body


async def shopper_load(
    port: int, make_request, seconds: float, latencies: list, errors: list
) -> None:
    conn = Connection("127.0.0.1", port)
    deadline = time.perf_counter() + seconds
    while (start := time.perf_counter()) < deadline:
        head, body = make_request()
        try:
            status = await conn.request(head, body)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status, conn = 599, Connection("127.0.0.1", port)
        latencies.append(time.perf_counter() - start)
        if not 200 <= status < 300:
            errors.append(status)


def cpu_seconds(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        try:
            total += sum(proc.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


def watched(server: subprocess.Popen) -> dict[str, list[psutil.Process]]:
    """Whose CPU each phase reports: the server's workers, MariaDB, and this generator."""
    root = psutil.Process(server.pid)
    database = [
        p for p in psutil.process_iter(["name"]) if p.info["name"] in ("mariadbd", "mysqld")
    ]
    return {
        "server": [root, *root.children(recursive=True)],
        "mariadb": database,
        "generator": [psutil.Process()],
    }


def phase(port: int, makers: list, seconds: float, procs: dict) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    cpu_before, wall = {k: cpu_seconds(v) for k, v in procs.items()}, time.perf_counter()

    async def run():
        await asyncio.gather(*(shopper_load(port, m, seconds, latencies, errors) for m in makers))

    asyncio.run(run())
    wall = time.perf_counter() - wall
    latencies.sort()
    return {
        "rps": len(latencies) / wall,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "errors": len(errors),
        "error_codes": sorted(set(errors)),
        "requests": len(latencies),
        "cpu": {k: (cpu_seconds(v) - cpu_before[k]) / wall for k, v in procs.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shoppers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument(
        "--settings",
        help="Django settings of the server (default: onprem.settings)",
    )
    parser.add_argument(
        "--interface",
        choices=["asgi", "wsgi"],
        default="asgi",
        help="asgi: onprem.asgi under uvicorn; wsgi: Django's WSGI handler in uvicorn's thread pool",
    )
    parser.add_argument(
        "--profile-pause", type=float, default=0, help="run the scans first, after this pause"
    )
    parser.add_argument("--keep", action="store_true", help="leave the server running (for py-spy)")
    args = parser.parse_args(argv)
    db_url, redis_url = (
        os.environ.get("SMARTCART_DB_URL", ""),
        os.environ.get("SMARTCART_REDIS_URL", ""),
    )
    if not db_url.startswith(("mysql", "mariadb")) or not redis_url:
        print(
            "bench/shopper.py needs SMARTCART_DB_URL (MySQL/MariaDB) and SMARTCART_REDIS_URL",
            file=sys.stderr,
        )
        return 2
    db_url = bench_db_url(db_url)
    recreate_database(db_url)
    logs = Path(tempfile.mkdtemp(prefix="shopbench-"))
    env = tier_env(db_url, redis_url, logs)
    barcodes, codes, tokens = prepare(env, args.shoppers)
    port = free_port()
    settings = args.settings or "onprem.settings"
    server = start_server(
        {**env, "DJANGO_SETTINGS_MODULE": settings}, port, args.workers, logs, args.interface
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        sessions = pair_all(f"http://127.0.0.1:{port}", tokens, codes)
        rng = random.Random(8)
        yardstick = [(lambda t=t: request_bytes("GET", "/api/v1/shopper/me/", t)) for t in tokens]
        scans = []
        for token, sid in zip(tokens, sessions, strict=True):
            basket = [
                json.dumps({"barcode": b, "quantity": 1}).encode()
                for b in rng.sample(barcodes, BASKET)
            ]
            path = f"/api/v1/shopper/sessions/{sid}/items/"
            scans.append(
                lambda t=token, p=path, bs=basket: request_bytes("POST", p, t, random.choice(bs))
            )
        procs = watched(server)
        phase(port, yardstick, 3, procs)  # warm up every worker's connections and caches
        if args.profile_pause:  # time to attach py-spy to the workers before the scans
            print(f"server pid {server.pid}: scans start in {args.profile_pause} s", flush=True)
            time.sleep(args.profile_pause)
        else:
            ruler = phase(port, yardstick, args.seconds, procs)
        scan = phase(port, scans, args.seconds, procs)
        if args.profile_pause:
            ruler = phase(port, yardstick, args.seconds, procs)
        for name, got in (("yardstick GET /api/v1/shopper/me/", ruler), ("scan-and-add", scan)):
            cpu = ", ".join(f"{k} {100 * v:.0f} %" for k, v in got["cpu"].items())
            print(
                f"{name}: {got['requests']} requests, {got['rps']:.0f} rps, "
                f"p50 {got['p50_ms']:.1f} ms, p99 {got['p99_ms']:.1f} ms, "
                f"errors {got['errors']} {got['error_codes']}; CPU of a core: {cpu}"
            )
        print(
            f"{args.shoppers} shoppers, uvicorn --interface {args.interface} --workers "
            f"{args.workers}, settings {settings}, {os.cpu_count()} cores, load average "
            f"{os.getloadavg()[0]:.1f}; logs in {logs}"
        )
        if args.keep:
            print(f"server on port {port}, pid {server.pid}; Ctrl-C stops it")
            server.wait()
        print(
            f"rps={scan['rps']:.0f} p50_ms={scan['p50_ms']:.1f} p99_ms={scan['p99_ms']:.1f} "
            f"yardstick_rps={ruler['rps']:.0f} ratio={scan['rps'] / ruler['rps']:.2f} errors={scan['errors']}"
        )
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            from django.db import connections

            connections.close_all()
            recreate_database(db_url, drop_only=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
