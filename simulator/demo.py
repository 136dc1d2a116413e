"""`smartcart demo`: the whole system on one machine, on embedded defaults.

An embedded MQTT broker, the cloud (daphne + store monitor), the store's on-prem tier
(daphne + ingest + uplink + the updates worker) and a simulated store of racks and carts
(each rack with its technician page), each its own process; the demo's release key signs the
factory firmware 1.0.0 the devices run (simulator/releases.py);
simulated shoppers (--shoppers, a handful by default) use the shopper app's API on the store.
It prints the URLs and credentials, writes them to var/demo.json, and Ctrl-C stops it all.
A child that dies is reported (console and var/logs/demo.log) and restarted with backoff; one
that keeps dying (5 restarts within 60 s) is left stopped, said loudly, while the rest runs.
Every child runs with SMARTCART_DEMO=1: the built-in development secrets are allowed here only.
Real services are used instead when SMARTCART_DB_URL / SMARTCART_REDIS_URL / SMARTCART_MQTT_URL
are set (then no embedded broker is started).
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from simulator.demo_racks import (
    rack_pages,
    remote_urls,
    start_rack_page,
    technician_pin,
    var_secret,
)
from simulator.releases import DemoKey, demo_key, factory_releases
from simulator.supervisor import ROOT, Child, Supervision, port_free, wait_for_port

log = logging.getLogger("simulator.demo")
# The store's on-prem software: started through the launcher, so each (re)start runs the release
# the store's updater switched to (onprem/software/launch.py; none: this checkout).
ONPREM_SOFTWARE = ("onprem", "ingest", "payment-sweep", "uplink", "updates")
LAUNCH = ("-m", "onprem.software.launch")
# A native app's loopback redirect (RFC 8252): the demo's app never listens there, it reads the code.
SHOPPER_REDIRECT_URI = "http://127.0.0.1:8765/callback"


@dataclass
class Demo(Supervision):
    var: Path
    store: str
    onprem_port: int
    cloud_port: int
    mqtt_url: str
    embedded_broker: bool
    erp_port: int
    cashless_port: int
    release_key: DemoKey | None = None  # the demo's release key (None: no firmware updates)
    children: dict[str, Child] = field(default_factory=dict)
    on_restart: list = field(default_factory=list)  # callbacks after a child got a new pid

    def env(self, tier: str, **extra: str) -> dict:
        env = {
            **os.environ,
            "SMARTCART_DEMO": "1",
            "SMARTCART_TIER": tier,
            "DJANGO_SETTINGS_MODULE": f"{tier}.settings",
            "SMARTCART_VAR_DIR": str(self.var),
            "SMARTCART_STORE_ID": self.store,
            "SMARTCART_MQTT_URL": self.mqtt_url,
            "PYTHONUNBUFFERED": "1",
            "SMARTCART_ERP_URL": f"http://127.0.0.1:{self.erp_port}",
            "SMARTCART_CASHLESS_URL": f"http://127.0.0.1:{self.cashless_port}",
            "SMARTCART_CASHLESS_EVENT_SECRET": var_secret(self.var, "cashless-event-secret"),
            "SMARTCART_ONPREM_URL": f"http://127.0.0.1:{self.onprem_port}",
            **extra,
        }
        if self.release_key is not None:
            # The cloud refuses uploads, the store refuses artifacts, not signed by this key.
            env["SMARTCART_RELEASE_TRUST"] = str(self.release_key.public)
        if (
            tier == "cloud"
            and "SMARTCART_DB_URL" in os.environ
            and "SMARTCART_CLOUD_DB_URL" not in os.environ
        ):
            # Two tiers must never share one database: give the cloud its own SQLite file.
            env["SMARTCART_CLOUD_DB_URL"] = f"sqlite:///{self.var / 'cloud.sqlite3'}"
        return env

    def manage(self, tier: str, *args: str, **extra: str) -> str:
        """Run a management command to completion; its stdout, or exit with its error."""
        launch = LAUNCH if tier == "onprem" else ()
        done = subprocess.run(
            [sys.executable, *launch, "manage.py", *args],
            cwd=ROOT,
            env=self.env(tier, **extra),
            capture_output=True,
            text=True,
        )
        if done.returncode:
            sys.exit(f"demo: `manage.py {' '.join(args)}` ({tier}) failed:\n{done.stderr.strip()}")
        return done.stdout

    def start(self, name: str, argv: list[str], tier: str = "onprem", **extra: str) -> None:
        if name in ONPREM_SOFTWARE:
            argv = [argv[0], *LAUNCH, *argv[1:]]
        self.start_child(name, argv, self.env(tier, **extra))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="smartcart demo", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--var", type=Path, default=ROOT / "var", help="where databases, logs and demo.json go"
    )
    parser.add_argument("--store", default="store-001")
    parser.add_argument("--onprem-port", type=int, default=8000)
    parser.add_argument("--cloud-port", type=int, default=8100)
    parser.add_argument(
        "--mqtt-port", type=int, default=1884, help="embedded broker (1883 is often Mosquitto's)"
    )
    parser.add_argument("--erp-port", type=int, default=8300, help="the ERP emulator")
    parser.add_argument(
        "--cashless-port", type=int, default=8080, help="the cashless terminal emulator"
    )
    parser.add_argument(
        "--rack-page-port",
        type=int,
        default=8081,
        help="the one real rack agent's technician page (reached through the tunnel)",
    )
    parser.add_argument(
        "--rack-pages-port",
        type=int,
        default=None,
        help="the simulated racks' pages: rack-01 on this port, rack-02 on the next, … "
        "(default: the first free ports from 8082)",
    )
    parser.add_argument("--racks", type=int, default=3)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--carts", type=int, default=24)
    parser.add_argument(
        "--shoppers",
        type=int,
        default=4,
        help="simulated shoppers using the shopper app's API (default 4; 0: none)",
    )
    parser.add_argument(
        "--history-days",
        type=int,
        default=90,
        help="days of past shopping the BI shows, seeded once at the first start (default 90; 0: none)",
    )
    parser.add_argument(
        "--shopper-redirect-uri",
        default=SHOPPER_REDIRECT_URI,
        help="the shopper app's redirect URI, registered with its public OAuth2 client",
    )
    return parser.parse_args(argv)


def check_ports(args: argparse.Namespace, embedded: bool) -> None:
    if args.rack_pages_port is None:
        others = {args.onprem_port, args.cloud_port, args.erp_port, args.cashless_port}
        taken = {args.rack_page_port, args.mqtt_port, *others}
        args.rack_pages_port = free_block(8082, args.racks, taken=taken)
    wanted = {
        "on-prem": args.onprem_port,
        "cloud": args.cloud_port,
        "ERP emulator": args.erp_port,
        "cashless emulator": args.cashless_port,
        "rack page": args.rack_page_port,
        **{f"rack-{n + 1:02d}'s page": args.rack_pages_port + n for n in range(args.racks)},
    }
    if embedded:
        wanted["MQTT broker"] = args.mqtt_port
    for what, port in wanted.items():
        if not port_free(port):
            sys.exit(
                f"demo: port {port} for the {what} is in use; stop what holds it or pass another port"
            )


def free_block(first: int, count: int, *, taken: set[int]) -> int:
    """The first port from `first` on where `count` ports in a row are free (none in `taken`)."""
    port = first
    while not all(port + n not in taken and port_free(port + n) for n in range(count)):
        port += 1
    return port


def bootstrap(demo: Demo, args: argparse.Namespace, store_key: str) -> dict:
    """Databases migrated, users, tokens, the store and its devices: all idempotent."""
    demo.manage("onprem", "migrate", "--noinput", "-v", "0")
    demo.manage("cloud", "migrate", "--noinput", "-v", "0")
    credentials = demo.var / "device-credentials.json"
    onprem = json.loads(
        demo.manage(
            "onprem",
            "bootstrap_demo",
            "--racks",
            str(args.racks + 1),
            "--slots",
            str(args.slots),
            "--carts",
            str(args.carts),
            "--credentials",
            str(credentials),
        )
    )
    cloud = json.loads(
        demo.manage("cloud", "bootstrap_demo", "--store", args.store, f"--key={store_key}")
    )
    for manifest, artifact in factory_releases(demo.var, demo.release_key):
        demo.manage(
            "cloud", "upload_release", "--manifest", str(manifest), "--artifact", str(artifact)
        )
    shopper_app = json.loads(
        demo.manage("onprem", "register_shopper_app", "--redirect-uri", args.shopper_redirect_uri)
    )
    return {
        "onprem": onprem,
        "cloud": cloud,
        "credentials": credentials,
        "shopper_app": shopper_app,
    }


def start_all(demo: Demo, args: argparse.Namespace, store_key: str, creds: dict) -> None:
    credentials = creds["credentials"]
    py = sys.executable
    if demo.embedded_broker:
        demo.start("broker", [py, "-m", "smartcart.broker", "--port", str(args.mqtt_port)])
        wait_for_port(args.mqtt_port, "the embedded MQTT broker", demo)
    demo.start(
        "erp-emulator", [py, "-m", "smartcart.cli", "erp-emulator", "--port", str(args.erp_port)]
    )
    demo.start(
        "cashless-emulator",
        [py, "-m", "smartcart.cli", "cashless-emulator", "--port", str(args.cashless_port)],
    )
    public_url = os.environ.get("SMARTCART_PUBLIC_URL", f"http://127.0.0.1:{args.cloud_port}")
    demo.start(
        "cloud",
        [
            py,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(args.cloud_port),
            "cloud.asgi:application",
        ],
        tier="cloud",
        # Links in notices (email, Slack) point at this cloud's console.
        SMARTCART_PUBLIC_URL=public_url,
    )
    # Sweeps every 2 s and a 20 s grace: an incident (and its notice) shows within half a
    # minute of a stopped component in the demo; production keeps 10 s and 60 s.
    demo.start(
        "cloud-monitor",
        [py, "manage.py", "monitor", "--interval", "2"],
        tier="cloud",
        SMARTCART_INCIDENT_GRACE_SECONDS=os.environ.get("SMARTCART_INCIDENT_GRACE_SECONDS", "20"),
        SMARTCART_PUBLIC_URL=public_url,
    )
    demo.start(
        "onprem",
        [
            py,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(args.onprem_port),
            "onprem.asgi:application",
        ],
    )
    demo.start("ingest", [py, "manage.py", "ingest"])
    # No Celery beat in the demo: this loop settles payments nobody polls and times them out.
    demo.start("payment-sweep", [py, "manage.py", "sweep_payments", "--every", "10"])
    wait_for_port(args.cloud_port, "the cloud", demo)
    cloud_link = {
        "SMARTCART_CLOUD_URL": f"ws://127.0.0.1:{args.cloud_port}",
        "SMARTCART_CLOUD_STORE_KEY": store_key,
    }
    demo.start(
        "uplink",
        [py, "manage.py", "uplink"],
        SMARTCART_REMOTE_ONPREM_URL=f"http://127.0.0.1:{args.onprem_port}",
        **cloud_link,
    )
    # Fetches each release's artifact from the cloud once, and drives the update jobs.
    demo.start("updates", [py, "manage.py", "updates"], **cloud_link)
    start_rack_page(demo, args, credentials)
    demo.start(
        "simulator",
        [
            py,
            "-m",
            "smartcart.cli",
            "simulate",
            "--store",
            args.store,
            "--racks",
            str(args.racks),
            "--slots",
            str(args.slots),
            "--carts",
            str(args.carts),
            "--mqtt",
            demo.mqtt_url,
            "--credentials",
            str(credentials),
            "--outbox-dir",
            str(demo.var / "outbox"),
            "--trust",
            str(demo.release_key.public),
            "--rack-pages-port",
            str(args.rack_pages_port),
            "--onprem-url",
            f"http://127.0.0.1:{args.onprem_port}",
            *shopper_args(args, creds["shopper_app"]),
        ],
        SMARTCART_TILL_TOKEN=creds["onprem"]["till_token"],
        SMARTCART_TECHNICIAN_PASSWORD=var_secret(demo.var, "rack-page-password"),
        SMARTCART_TECHNICIAN_PIN=technician_pin(demo.var),
    )
    wait_for_port(args.onprem_port, "the on-prem tier", demo)
    wait_for_port(args.erp_port, "the ERP emulator", demo)
    wait_for_port(args.cashless_port, "the cashless emulator", demo)
    print(demo.manage("onprem", "sync_erp", "--full").strip(), flush=True)
    seed_history(demo, args)
    print(
        demo.manage(
            "onprem", "listen_cashless", "--base", f"http://127.0.0.1:{args.onprem_port}"
        ).strip(),
        flush=True,
    )


def seed_history(demo: Demo, args: argparse.Namespace) -> None:
    """Past shopping for /bi/ (it needs the synced catalog), once per var directory: the
    simulated shoppers add today's."""
    marker = demo.var / "history-seeded"
    if args.history_days <= 0 or marker.exists():
        return
    days, carts = str(args.history_days), str(args.carts)
    print(
        demo.manage("onprem", "seed_history", "--days", days, "--carts", carts).strip(), flush=True
    )
    marker.write_text(f"{days} days\n")


def shopper_args(args: argparse.Namespace, app: dict) -> list[str]:
    """The simulator's shoppers: the store's API, the app's client, the ERP and the terminal."""
    return [
        "--shoppers",
        str(args.shoppers),
        "--api",
        f"http://127.0.0.1:{args.onprem_port}",
        "--client-id",
        app["client_id"],
        "--redirect-uri",
        app["redirect_uri"],
        "--erp",
        f"http://127.0.0.1:{args.erp_port}",
        "--cashless",
        f"http://127.0.0.1:{args.cashless_port}",
    ]


def announce(demo: Demo, args: argparse.Namespace, creds: dict) -> dict:
    summary = {
        "onprem_url": f"http://127.0.0.1:{args.onprem_port}",
        "cloud_url": f"http://127.0.0.1:{args.cloud_port}",
        "dashboard_url": f"http://127.0.0.1:{args.onprem_port}/dashboard/",
        "bi_url": f"http://127.0.0.1:{args.onprem_port}/bi/",
        "staff": {"username": creds["onprem"]["username"], "password": creds["onprem"]["password"]},
        "ops": {"username": creds["cloud"]["username"], "password": creds["cloud"]["password"]},
        "tokens": {
            "staff": creds["onprem"]["staff_token"],
            "ops": creds["cloud"]["ops_token"],
            "till": creds["onprem"]["till_token"],
        },
        "shopper_app": creds["shopper_app"],
        "mqtt_url": demo.mqtt_url,
        "store": args.store,
        "logs": str(demo.var / "logs"),
        "processes": {name: proc.pid for name, proc in demo.processes.items()},
    }
    summary["remote"] = remote = remote_urls(summary, args, demo)
    summary["release_key"] = str(demo.release_key.private)
    summary["release_trust"] = str(demo.release_key.public)
    summary["rack_pages"] = rack_pages(args)
    summary["technician"] = {
        "login": remote["rack_login"],
        "pin": technician_pin(demo.var),
    }
    rack_login = base64.b64encode(remote["rack_login"].encode()).decode()
    write_summary(demo, summary)
    print(
        f"""
SmartCart demo is running (store {args.store}: {args.racks} racks x {args.slots} slots, {args.carts} carts)

  on-prem   {summary["onprem_url"]}   API {summary["onprem_url"]}/api/docs/   admin {summary["onprem_url"]}/admin/
            staff login {summary["staff"]["username"]} / {summary["staff"]["password"]}
            dashboard {summary["dashboard_url"]}   BI {summary["bi_url"]}
            curl -H 'Authorization: Bearer {summary["tokens"]["staff"]}' {summary["onprem_url"]}/api/v1/carts/
  cloud     {summary["cloud_url"]}   API {summary["cloud_url"]}/api/docs/   admin {summary["cloud_url"]}/admin/
            ops login {summary["ops"]["username"]} / {summary["ops"]["password"]}
            console {summary["cloud_url"]}/console/ (stores by health, incidents, channels, on-prem software)
            curl -H 'Authorization: Bearer {summary["tokens"]["ops"]}' {summary["cloud_url"]}/api/v1/stores/
  remote    through the store's tunnel, as ops (docs/operations.md, "How ops reaches a store"):
            curl -H 'Authorization: Bearer {summary["tokens"]["ops"]}' {remote["api"]}
            curl -H 'Authorization: Bearer {summary["tokens"]["ops"]}' -H 'X-SmartCart-Rack-Authorization: Basic {rack_login}' {remote["rack_page"]}
            (the rack page's login: {remote["rack_login"]})
  racks     technician pages (login {remote["rack_login"]}, force-update PIN {summary["technician"]["pin"]}):
            {"  ".join(f"{rack} {url}" for rack, url in summary["rack_pages"].items())}
  firmware  devices run 1.0.0, signed by the demo's release key; a new release (docs/ota.md):
            smartcart release sample-image --version 1.1.0 --out /tmp/image.tar.gz
            smartcart release build --image /tmp/image.tar.gz --version 1.1.0 --hardware cart-v1 --key {summary["release_key"]} --out /tmp/rel
            curl -H 'Authorization: Bearer {summary["tokens"]["ops"]}' -F manifest=@/tmp/rel/cart-v1-1.1.0.manifest.json -F artifact=@/tmp/rel/cart-v1-1.1.0.tar.gz {summary["cloud_url"]}/api/v1/releases/
            then a campaign: the console {summary["cloud_url"]}/console/ (ops login), or POST {summary["cloud_url"]}/api/v1/campaigns/
  shoppers  {args.shoppers} simulated; the app's public client {summary["shopper_app"]["client_id"]}
            (code + PKCE S256, redirect {summary["shopper_app"]["redirect_uri"]}; docs/shopper-api.md)
  MQTT      {demo.mqtt_url}
  ERP       http://127.0.0.1:{args.erp_port} (emulator; catalog synced)   cashless terminal http://127.0.0.1:{args.cashless_port} (emulator)
            python manage.py homologate erp|cashless  (with SMARTCART_VAR_DIR={demo.var})
  written to {demo.var / "demo.json"}; logs in {summary["logs"]}

Ctrl-C stops everything.
""",
        flush=True,
    )
    return summary


def write_summary(demo: Demo, summary: dict) -> None:
    summary["processes"] = {name: proc.pid for name, proc in demo.processes.items()}
    (demo.var / "demo.json").write_text(json.dumps(summary, indent=2))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    configured = os.environ.get("SMARTCART_MQTT_URL")
    check_ports(args, embedded=not configured)
    var = args.var.resolve()
    (var / "logs").mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(var / "logs" / "demo.log")
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logging.getLogger().addHandler(to_file)
    demo = Demo(
        release_key=demo_key(var),
        var=var,
        store=args.store,
        onprem_port=args.onprem_port,
        cloud_port=args.cloud_port,
        mqtt_url=configured or f"mqtt://127.0.0.1:{args.mqtt_port}?protocol=3",
        embedded_broker=not configured,
        erp_port=args.erp_port,
        cashless_port=args.cashless_port,
    )
    key_file = var / "store-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(32))
    store_key = key_file.read_text().strip()
    creds = bootstrap(demo, args, store_key)
    stopping = []
    # Children run in their own sessions (a terminal's Ctrl-C reaches only us), so we stop them.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(True))
    try:
        start_all(demo, args, store_key, creds)
        summary = announce(demo, args, creds)
        # demo.json always names the live pids, so one can `kill` a child and watch it return.
        demo.on_restart.append(lambda: write_summary(demo, summary))
        while not stopping:
            demo.supervise()
            time.sleep(0.5)
    finally:
        print("stopping the demo…", flush=True)
        demo.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
