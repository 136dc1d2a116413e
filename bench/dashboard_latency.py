"""Dashboard latency: simulated carts publish telemetry through Mosquitto, a real ingest stores
it and broadcasts the deltas over the Redis channel layer, daphne's consumer sends them to a
real Chromium page, which paints them. Measured: publish -> painted, per reading.

Each reading carries its publish wall time as its `ts` (ms); the page (live.js) records, for
every cart of every delta it applied, that ts and Date.now() at the next animation frame after
the paint. Same machine, same clock. Also the browser's CPU (all Chromium processes) over the
measured window.

    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/test SMARTCART_REDIS_URL=redis://127.0.0.1:6379/0 \\
    SMARTCART_MQTT_URL=mqtt://127.0.0.1:1883 python bench/dashboard_latency.py [--carts 500] [--seconds 30]

It migrates a scratch database `<name>_dashbench` beside the configured one (dropped first).
Last line: carts=<n> rate=<msg/s> p50_ms=<x> p95_ms=<y>
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
WARMUP_SECONDS = 5.0
RACKS, SLOTS = 10, 10  # the first RACKS * SLOTS carts sit in a rack, the rest are on the floor


def scratch_db_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_dashbench"))


def prepare(db_url: str, store: str, carts: list[str]) -> dict:
    from bench.ingest import recreate_database

    env = {**os.environ, "SMARTCART_DB_URL": scratch_db_url(db_url), "SMARTCART_STORE_ID": store,
           "SMARTCART_TIER": "onprem", "DJANGO_SETTINGS_MODULE": "onprem.settings",
           "SMARTCART_LOG_LEVEL": "WARNING", "SMARTCART_DEMO": "1"}
    os.environ.update(env)
    recreate_database(env["SMARTCART_DB_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from onprem.fleet.services import provision_device

    for n in range(RACKS):
        provision_device(kind="rack", device_id=f"rack-{n:02d}", slot_count=SLOTS)
    for cart in carts:
        provision_device(kind="cart", device_id=cart)
    get_user_model().objects.create_user("bench", password="bench-password-1", is_staff=True)
    return env


def reading(cart: str, index: int, seq: int) -> bytes:
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    docked = index < RACKS * SLOTS
    dock = {"rack": f"rack-{index // SLOTS:02d}", "slot": index % SLOTS + 1} if docked else None
    return json.dumps({
        "schema": "cart.telemetry/1", "device": cart, "boot_id": "bench", "seq": seq, "ts": now,
        "battery": {"soc": 20 + (seq * 7 + index) % 80, "voltage": 25.1, "temperature": 28.0,
                    "charging": docked},
        "health": {"state": "ok", "faults": []}, "dock": dock, "firmware": "1.4.2",
    }).encode()


def publish_for(mqtt: dict, store: str, carts: list[str], seconds: float, stop: threading.Event) -> int:
    """Every cart once a second, spread evenly over the second; returns how many were sent."""
    import paho.mqtt.client as paho

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-carts-{uuid.uuid4().hex[:6]}")
    client.max_inflight_messages_set(1000)
    client.connect(mqtt["host"], mqtt["port"])
    client.loop_start()
    topics = [f"smartcart/{store}/cart/{cart}/telemetry" for cart in carts]
    gap, sent, start = 1.0 / len(carts), 0, time.monotonic()
    while time.monotonic() - start < seconds and not stop.is_set():
        for index, topic in enumerate(topics):
            due = start + sent * gap
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            client.publish(topic, reading(carts[index], index, sent // len(carts) + 1), qos=1)
            sent += 1
    client.loop_stop()
    client.disconnect()
    return sent


def browser_cpu_seconds() -> float:
    import psutil

    total = 0.0
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name():
                times = proc.cpu_times()
                total += times.user + times.system
        except psutil.Error:
            continue
    return total


def start(cmd: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


def measure(args, mqtt: dict, env: dict, store: str, carts: list[str]) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.conftest import free_port, wait_for_port

    port = free_port()
    ingest = start([sys.executable, "manage.py", "ingest", "--name", "bench-ingest"], env)
    server = start([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "onprem.asgi:application"], env)
    try:
        wait_for_port(port)
        time.sleep(2)  # ingest subscribed
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"http://127.0.0.1:{port}/accounts/login/?next=/dashboard/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", "bench-password-1")
            page.click("input[type=submit]")
            page.locator("#connection[data-state=live]").wait_for(timeout=30_000)
            stop = threading.Event()
            sent: list[int] = []
            publisher = threading.Thread(target=lambda: sent.append(
                publish_for(mqtt, store, carts, args.seconds + WARMUP_SECONDS, stop)))
            publisher.start()
            time.sleep(WARMUP_SECONDS)
            page.evaluate("window.dashboardPaints = []")
            cpu_before, t0 = browser_cpu_seconds(), time.monotonic()
            publisher.join()
            page.wait_for_timeout(1500)  # the last readings reach the page
            elapsed = time.monotonic() - t0
            cpu = browser_cpu_seconds() - cpu_before
            paints = page.evaluate("window.dashboardPaints")
            browser.close()
    finally:
        for proc in (server, ingest):
            proc.terminate()
            proc.wait(20)
    latencies = sorted(painted - ts for ts, painted in paints)
    return {"sent": sent[0], "painted": len(latencies), "latencies": latencies, "cpu": cpu, "elapsed": elapsed}


def percentile(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carts", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=30.0, help="measured, after a 5 s warm-up")
    parser.add_argument("--flush-ms", type=int, default=None,
                        help="ingest's batch window (SMARTCART_INGEST_FLUSH_MS; default: the store's, 50)")
    args = parser.parse_args(argv)
    db_url, mqtt_url = os.environ.get("SMARTCART_DB_URL", ""), os.environ.get("SMARTCART_MQTT_URL", "")
    if not db_url.startswith(("mysql", "mariadb")) or not mqtt_url or not os.environ.get("SMARTCART_REDIS_URL"):
        print("bench/dashboard_latency.py needs SMARTCART_DB_URL (MariaDB), SMARTCART_REDIS_URL and "
              "SMARTCART_MQTT_URL (Mosquitto)", file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"bench/dashboard_latency.py needs {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    from smartcart.envconf import mqtt_settings

    mqtt = mqtt_settings(mqtt_url, default=mqtt_url)
    store = f"dash{uuid.uuid4().hex[:6]}"
    carts = [f"cart-{n:04d}" for n in range(args.carts)]
    if args.flush_ms is not None:
        os.environ["SMARTCART_INGEST_FLUSH_MS"] = str(args.flush_ms)
    env = prepare(db_url, store, carts)
    result = measure(args, mqtt, env, store, carts)
    lat = result["latencies"]
    rate = args.carts  # one reading per cart per second
    measured_rate = result["painted"] / result["elapsed"] if result["elapsed"] else 0.0
    print(f"published {result['sent']} readings in {args.seconds + WARMUP_SECONDS:.0f}s "
          f"({WARMUP_SECONDS:.0f}s warm-up); painted {result['painted']} in the measured {result['elapsed']:.1f}s "
          f"({measured_rate:.0f}/s)")
    if lat:
        print(f"publish->painted ms: min={lat[0]:.0f} p50={statistics.median(lat):.0f} "
              f"p95={percentile(lat, 0.95):.0f} p99={percentile(lat, 0.99):.0f} max={lat[-1]:.0f}")
    print(f"ingest batch window: {os.environ.get('SMARTCART_INGEST_FLUSH_MS', '50 (default)')} ms")
    print(f"browser CPU: {result['cpu']:.1f} s over {result['elapsed']:.1f} s "
          f"({100 * result['cpu'] / result['elapsed']:.0f}% of one core)")
    print(f"carts={args.carts} rate={rate} p50_ms={statistics.median(lat) if lat else float('nan'):.0f} "
          f"p95_ms={percentile(lat, 0.95):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
