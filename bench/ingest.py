"""Ingest benchmark: many devices publish QoS 1 telemetry as fast as they can; how many rows
per second does `manage.py ingest` commit end to end, against how fast the broker delivers
to a bare paho subscriber in the same run? Nothing may be lost or stored twice.

    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/test SMARTCART_MQTT_URL=mqtt://127.0.0.1:1883 \
        python bench/ingest.py [--devices 200] [--messages 100] [--publishers 2]

It migrates a scratch database `<name>_bench` beside the configured one (dropped first).
Last line: ingest_rate=<msg/s> broker_rate=<msg/s> ratio=<r> lost=<n> duplicates=<n>
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


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


def payload_template(device: str, boot: str) -> tuple[str, str, str]:
    """The message cut around seq and ts, so publishing is three string joins, not a dumps."""
    body = {
        "schema": "cart.telemetry/1", "device": device, "boot_id": boot, "seq": 0, "ts": "TS",
        "battery": {"soc": 73.5, "voltage": 25.4, "temperature": 29.1, "charging": False},
        "health": {"state": "ok", "faults": []}, "dock": None, "firmware": "1.4.2",
    }
    head, rest = json.dumps(body).split('"seq": 0', 1)
    middle, tail = rest.split("TS", 1)
    return head + '"seq": ', middle, tail


def publisher(mqtt: dict, store: str, devices: list[str], count: int, boot: str, ready, go, done) -> None:
    """One process publishing `count` messages for each of its devices, interleaved."""
    import paho.mqtt.client as paho

    from smartcart.protocol import now_ts

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{uuid.uuid4().hex[:8]}",
                         protocol=paho.MQTTv5 if mqtt["protocol"] == 5 else paho.MQTTv311)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    connect(client, mqtt)
    client.loop_start()
    templates = {d: (f"smartcart/{store}/cart/{d}/telemetry", payload_template(d, boot)) for d in devices}
    ready.set()
    go.wait()
    infos = []
    for seq in range(count):
        ts = now_ts()
        for topic, (head, middle, tail) in templates.values():
            infos.append(client.publish(topic, f"{head}{seq}{middle}{ts}{tail}", qos=1))
    for info in infos:
        info.wait_for_publish(timeout=300)
    done.put(time.monotonic())  # CLOCK_MONOTONIC is system-wide on Linux: comparable across processes
    client.disconnect()
    client.loop_stop()


def connect(client, mqtt: dict) -> None:
    """Same window as ingest (Receive Maximum 65535), so the yardstick is fair."""
    if mqtt["protocol"] != 5:
        client.connect(mqtt["host"], mqtt["port"])
        return
    from paho.mqtt.packettypes import PacketTypes
    from paho.mqtt.properties import Properties

    props = Properties(PacketTypes.CONNECT)
    props.ReceiveMaximum = 65535
    client.connect(mqtt["host"], mqtt["port"], properties=props)


def bare_subscriber(mqtt: dict, store: str, expected: int, ready, result) -> None:
    """The yardstick: how fast the broker hands QoS 1 messages to a client that does nothing."""
    import paho.mqtt.client as paho

    seen = {"n": 0, "first": None, "last": None}

    def on_message(client, userdata, msg):
        now = time.monotonic()
        seen["first"] = seen["first"] or now
        seen["last"] = now
        seen["n"] += 1

    client = paho.Client(paho.CallbackAPIVersion.VERSION2, client_id=f"bench-sub-{uuid.uuid4().hex[:8]}",
                         protocol=paho.MQTTv5 if mqtt["protocol"] == 5 else paho.MQTTv311)
    client.on_message = on_message
    client.on_subscribe = lambda *a: ready.set()
    connect(client, mqtt)
    client.subscribe(f"smartcart/{store}/+/+/telemetry", qos=1)
    deadline = time.monotonic() + 600
    while seen["n"] < expected and time.monotonic() < deadline:
        client.loop(timeout=0.5)
        # Publishing is over and nothing came for a while: report what arrived.
        if seen["last"] and time.monotonic() - seen["last"] > 20:
            break
    client.disconnect()
    result.put((seen["n"], seen["first"], seen["last"]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--messages", type=int, default=100, help="messages per device")
    parser.add_argument("--publishers", type=int, default=2, help="publisher processes")
    args = parser.parse_args(argv)
    db_url, mqtt_url = os.environ.get("SMARTCART_DB_URL"), os.environ.get("SMARTCART_MQTT_URL")
    if not db_url or not mqtt_url or not db_url.startswith(("mysql", "mariadb")):
        print("bench/ingest.py needs SMARTCART_DB_URL (MySQL/MariaDB) and SMARTCART_MQTT_URL (Mosquitto)",
              file=sys.stderr)
        return 2

    store = f"bench{uuid.uuid4().hex[:6]}"
    db = bench_db_url(db_url)
    env = {**os.environ, "SMARTCART_DB_URL": db, "SMARTCART_STORE_ID": store, "SMARTCART_TIER": "onprem",
           "DJANGO_SETTINGS_MODULE": "onprem.settings", "SMARTCART_LOG_LEVEL": "WARNING"}
    os.environ.update(env)
    recreate_database(db)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.db import connection

    from onprem.fleet.services import provision_device
    from smartcart.envconf import mqtt_settings

    devices = [f"bench-{n:05d}" for n in range(args.devices)]
    for device in devices:
        provision_device(kind="cart", device_id=device)
    mqtt = mqtt_settings(mqtt_url, default=mqtt_url)
    total = args.devices * args.messages
    boot = uuid.uuid4().hex[:12]

    ingest = subprocess.Popen([sys.executable, "manage.py", "ingest", "--name", f"bench-{store}"], cwd=ROOT, env=env)
    wait_until(lambda: count_rows(connection, "SELECT COUNT(*) FROM fleet_ingeststate") > 0, 30, "ingest start")

    ctx = mp.get_context("spawn")
    go, results, done = ctx.Event(), ctx.Queue(), ctx.Queue()
    sub_ready = ctx.Event()
    sub = ctx.Process(target=bare_subscriber, args=(mqtt, store, total, sub_ready, results))
    sub.start()
    sub_ready.wait(30)
    pubs, readies = [], []
    for i in range(args.publishers):
        ready = ctx.Event()
        share = devices[i :: args.publishers]
        pubs.append(ctx.Process(target=publisher, args=(mqtt, store, share, args.messages, boot, ready, go, done)))
        readies.append(ready)
        pubs[-1].start()
    for ready in readies:
        ready.wait(60)

    started = time.monotonic()
    go.set()
    stored, finished = wait_for_rows(connection, total)
    ingest_seconds = finished - started
    print(f"ingest stored {stored}/{total} in {ingest_seconds:.2f}s", file=sys.stderr)
    for proc in pubs:
        proc.join()
    published = max(done.get(timeout=5) for _ in pubs) - started
    sub.join(60)
    if sub.is_alive():
        sub.terminate()
    received, first, last = results.get(timeout=5) if not results.empty() else (0, None, None)
    ingest_cpu = sum(psutil.Process(ingest.pid).cpu_times()[:2])
    ingest.terminate()
    ingest.wait(30)

    distinct = count_rows(connection, "SELECT COUNT(*) FROM (SELECT DISTINCT device_id, boot_id, seq FROM fleet_cartreading) d")
    if not stored or not received:
        print(f"bench: nothing arrived (stored={stored}, subscriber got {received})", file=sys.stderr)
        return 1
    broker_seconds = last - started
    ingest_rate = stored / ingest_seconds
    broker_rate = received / broker_seconds
    print(f"devices={args.devices} messages/device={args.messages} publishers={args.publishers} total={total}")
    print(f"stored={stored} in {ingest_seconds:.2f}s using {ingest_cpu:.1f}s of CPU; "
          f"bare subscriber got {received} in {broker_seconds:.2f}s; publishers done after {published:.2f}s")
    print(f"ingest_rate={ingest_rate:.0f} broker_rate={broker_rate:.0f} ratio={ingest_rate / broker_rate:.2f} "
          f"lost={total - distinct} duplicates={stored - distinct}")
    return 0


def count_rows(connection, sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def wait_for_rows(connection, total: int, stall_seconds: float = 30.0) -> tuple[int, float]:
    """Poll until every row is stored, or nothing new arrived for `stall_seconds`; return the
    count and when the last of them was seen."""
    stored, last_change = 0, time.monotonic()
    while stored < total and time.monotonic() - last_change < stall_seconds:
        time.sleep(0.05)
        now_stored = count_rows(connection, "SELECT COUNT(*) FROM fleet_cartreading")
        if now_stored != stored:
            stored, last_change = now_stored, time.monotonic()
    return stored, last_change


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {what} did not happen within {timeout}s")
        time.sleep(0.2)


if __name__ == "__main__":
    raise SystemExit(main())
