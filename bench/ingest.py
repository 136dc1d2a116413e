"""Ingest benchmark: many simulated devices, each its own process, publish QoS 1 telemetry as
fast as they can. Two phases in one run, each on the whole machine:

1. broker: a bare paho subscriber takes everything (the yardstick: the broker's delivery rate
   to a Python client that does nothing with the messages);
2. ingest: `manage.py ingest` workers store everything in MariaDB (rows committed per second).

Then it checks that every message of phase 2 is stored exactly once.

    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/test SMARTCART_MQTT_URL=mqtt://127.0.0.1:1883 \\
        python bench/ingest.py [--devices 200] [--messages 50] [--workers 2]

It migrates a scratch database `<name>_bench` beside the configured one (dropped first).
Last line: ingest_rate=<msg/s> broker_rate=<msg/s> ratio=<r> lost=<n> duplicates=<n>
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import resource
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WINDOW = 500  # un-acked QoS 1 publishes per device process
STALL_SECONDS = 20.0
TIMELINE: list[tuple[float, int]] = []  # (seconds, rows stored) as ingest progressed


def bench_db_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_bench"))


def recreate_database(url: str) -> None:
    import MySQLdb

    parts = urlsplit(url)
    conn = MySQLdb.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
                           passwd=parts.password or "")
    name = parts.path.lstrip("/")
    conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
    conn.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    conn.close()


def telemetry_lines(device: str, boot: str, count: int) -> str:
    """`count` cart telemetry messages (docs/protocol.md), one per line, seq 0..count-1."""
    from smartcart.protocol import now_ts

    body = {
        "schema": "cart.telemetry/1", "device": device, "boot_id": boot, "seq": 0, "ts": now_ts(),
        "battery": {"soc": 73.5, "voltage": 25.4, "temperature": 29.1, "charging": False},
        "health": {"state": "ok", "faults": []}, "dock": None, "firmware": "1.4.2",
    }
    head, tail = json.dumps(body).split('"seq": 0', 1)
    return "".join(f'{head}"seq": {seq}{tail}\n' for seq in range(count))


class Devices:
    """One `mosquitto_pub -l` process per simulated device (C, so the load generator leaves the
    CPU to the system under test; paho spends ~220 us per QoS 1 publish). They are started and
    connected first, then `publish()` feeds every one its lines at once: process start-up is
    not part of what is timed."""

    def __init__(self, mqtt: dict, store: str, devices: list[str]) -> None:
        self.devices = devices
        self.before = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.procs = [subprocess.Popen(publish_command(mqtt, f"smartcart/{store}/cart/{d}/telemetry"),
                                       stdin=subprocess.PIPE) for d in devices]
        time.sleep(1 + len(devices) / 200)  # let them connect

    def publish(self, count: int, boot: str) -> None:
        lines = [telemetry_lines(device, boot, count).encode() for device in self.devices]
        for proc, data in zip(self.procs, lines, strict=True):
            proc.stdin.write(data)
            proc.stdin.close()

    def wait(self) -> float:
        """Wait for every device to finish; returns their CPU seconds."""
        for proc in self.procs:
            proc.wait()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return after.ru_utime + after.ru_stime - self.before.ru_utime - self.before.ru_stime


def publish_command(mqtt: dict, topic: str) -> list[str]:
    cmd = ["mosquitto_pub", "-h", mqtt["host"], "-p", str(mqtt["port"]), "-q", "1", "-M", str(WINDOW), "-l",
           "-t", topic, "-V", "5" if mqtt["protocol"] == 5 else "mqttv311"]
    if mqtt["username"]:
        cmd += ["-u", mqtt["username"], "-P", mqtt["password"] or ""]
    return cmd


def bare_subscriber(mqtt: dict, store: str, expected: int, ready, result) -> None:
    """The yardstick: a paho client with ingest's receive window that only counts."""
    import paho.mqtt.client as paho
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    seen = {"n": 0, "last": None}

    def on_message(client, userdata, msg):
        seen["n"] += 1
        seen["last"] = time.monotonic()

    v5 = mqtt["protocol"] == 5
    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-sub-{uuid.uuid4().hex[:8]}",
                         protocol=paho.MQTTv5 if v5 else paho.MQTTv311)
    client.on_message = on_message
    client.on_subscribe = lambda *a: ready.set()
    props = None
    if v5:
        props = Properties(PacketTypes.CONNECT)
        props.ReceiveMaximum = 65535
    client.connect(mqtt["host"], mqtt["port"], properties=props)
    client.subscribe(f"smartcart/{store}/+/+/telemetry", qos=1)
    deadline = time.monotonic() + 600
    while seen["n"] < expected and time.monotonic() < deadline:
        client.loop(timeout=0.5)
        if seen["last"] and time.monotonic() - seen["last"] > STALL_SECONDS:
            break  # publishing is over and nothing more comes
    client.disconnect()
    result.put((seen["n"], seen["last"], sum(os.times()[:2])))


def broker_phase(mqtt: dict, store: str, devices: list[str], count: int) -> dict:
    ctx = mp.get_context("spawn")
    ready, result = ctx.Event(), ctx.Queue()
    total = len(devices) * count
    sub = ctx.Process(target=bare_subscriber, args=(mqtt, store, total, ready, result))
    sub.start()
    if not ready.wait(30):
        raise SystemExit("bench: the bare subscriber could not subscribe")
    fleet = Devices(mqtt, store, devices)
    started = time.monotonic()
    fleet.publish(count, boot="phase1")
    publisher_cpu = fleet.wait()
    received, last, cpu = result.get(timeout=700)
    sub.join()
    return {"received": received, "seconds": (last or started) - started, "cpu": cpu,
            "publisher_cpu": publisher_cpu}


def ingest_phase(mqtt: dict, store: str, devices: list[str], count: int, workers: int, env: dict) -> dict:
    import psutil
    from django.db import connection

    names = [f"bench-{store}-{i}" for i in range(workers)]
    shared = ["--shared"] if workers > 1 else []
    procs = [subprocess.Popen([sys.executable, "manage.py", "ingest", "--name", name, *shared], cwd=ROOT, env=env)
             for name in names]
    wait_until(lambda: scalar(connection, "SELECT COUNT(*) FROM fleet_ingeststate") == workers, 30,
               "every ingest worker subscribed")
    fleet = Devices(mqtt, store, devices)
    started = time.monotonic()
    fleet.publish(count, boot="phase2")
    publisher_cpu = fleet.wait()
    stored, finished = wait_for_stored(connection, len(devices) * count)
    cpu = sum(sum(psutil.Process(p.pid).cpu_times()[:2]) for p in procs)
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.wait(30)
    rows = scalar(connection, "SELECT COUNT(*) FROM fleet_cartreading WHERE boot_id = 'phase2'")
    distinct = scalar(connection, "SELECT COUNT(*) FROM (SELECT DISTINCT device_id, seq FROM fleet_cartreading "
                                  "WHERE boot_id = 'phase2') d")
    return {"stored": stored, "seconds": finished - started, "cpu": cpu, "rows": rows, "distinct": distinct,
            "publisher_cpu": publisher_cpu}


def scalar(connection, sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0] or 0


def wait_for_stored(connection, total: int) -> tuple[int, float]:
    """Follow ingest's own counters (one cheap row per worker, not a COUNT over the table)
    until all is stored or nothing new came for STALL_SECONDS; return count and when."""
    stored, last_change, began = 0, time.monotonic(), time.monotonic()
    while stored < total and time.monotonic() - last_change < STALL_SECONDS:
        time.sleep(0.02)
        now_stored = scalar(connection, "SELECT SUM(stored_total) FROM fleet_ingeststate")
        if now_stored != stored:
            stored, last_change = now_stored, time.monotonic()
            TIMELINE.append((round(last_change - began, 2), stored))
    return stored, last_change


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} did not happen within {timeout}s")
        time.sleep(0.2)


def prepare(db_url: str, store: str, devices: list[str]) -> dict:
    """A scratch database with the devices provisioned; returns the env for ingest workers."""
    env = {**os.environ, "SMARTCART_DB_URL": bench_db_url(db_url), "SMARTCART_STORE_ID": store,
           "SMARTCART_TIER": "onprem", "DJANGO_SETTINGS_MODULE": "onprem.settings", "SMARTCART_LOG_LEVEL": "WARNING",
           "SMARTCART_DEMO": "1"}  # a scratch store on the built-in secret key, like the demo
    os.environ.update(env)
    recreate_database(env["SMARTCART_DB_URL"])
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    import django

    django.setup()
    from onprem.fleet.services import provision_device

    for device in devices:
        provision_device(kind="cart", device_id=device)
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200, help="simulated carts, each its own process")
    parser.add_argument("--messages", type=int, default=50, help="messages per device and phase")
    parser.add_argument("--workers", type=int, default=2, help="ingest processes (shared subscription)")
    args = parser.parse_args(argv)
    db_url, mqtt_url = os.environ.get("SMARTCART_DB_URL", ""), os.environ.get("SMARTCART_MQTT_URL", "")
    if not db_url.startswith(("mysql", "mariadb")) or not mqtt_url:
        print("bench/ingest.py needs SMARTCART_DB_URL (MySQL/MariaDB) and SMARTCART_MQTT_URL (Mosquitto)",
              file=sys.stderr)
        return 2
    if not shutil.which("mosquitto_pub"):
        print("bench/ingest.py needs mosquitto_pub (Debian: mosquitto-clients)", file=sys.stderr)
        return 2
    from smartcart.envconf import mqtt_settings

    mqtt = mqtt_settings(mqtt_url, default=mqtt_url)
    store = f"bench{uuid.uuid4().hex[:6]}"
    devices = [f"bench-{n:05d}" for n in range(args.devices)]
    env = prepare(db_url, store, devices)
    total = args.devices * args.messages

    broker = broker_phase(mqtt, store, devices, args.messages)
    ingest = ingest_phase(mqtt, store, devices, args.messages, args.workers, env)
    broker_rate = broker["received"] / broker["seconds"] if broker["seconds"] else 0.0
    ingest_rate = ingest["distinct"] / ingest["seconds"] if ingest["seconds"] else 0.0
    print(f"devices={args.devices} (one mosquitto_pub each) messages/device={args.messages} per phase "
          f"total={total} ingest workers={args.workers}")
    print(f"broker phase: bare subscriber got {broker['received']} in {broker['seconds']:.2f}s "
          f"({broker['cpu']:.1f} CPU s; publishers {broker['publisher_cpu']:.1f} CPU s)")
    print(f"ingest phase: stored {ingest['distinct']} in {ingest['seconds']:.2f}s "
          f"({ingest['cpu']:.1f} CPU s incl. start-up; publishers {ingest['publisher_cpu']:.1f} CPU s)")
    if os.environ.get("BENCH_TIMELINE"):
        print("timeline:", TIMELINE)
    ratio = ingest_rate / broker_rate if broker_rate else 0.0
    print(f"ingest_rate={ingest_rate:.0f} broker_rate={broker_rate:.0f} ratio={ratio:.2f} "
          f"lost={total - ingest['distinct']} duplicates={ingest['rows'] - ingest['distinct']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
