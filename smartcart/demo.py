"""`smartcart demo`: the whole system on one machine, on embedded defaults.

An embedded MQTT broker, the cloud (daphne + store monitor), the store's on-prem tier
(daphne + ingest + uplink) and a simulated store of racks and carts, each its own process.
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
import socket
import subprocess
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("smartcart.demo")
RESTART_LIMIT = 5  # restarts within RESTART_WINDOW_SECONDS before a child counts as crash-looping
RESTART_WINDOW_SECONDS = 60.0
FIRST_RESTART_SECONDS = 1.0  # then doubling, up to MAX_RESTART_SECONDS
MAX_RESTART_SECONDS = 30.0


@dataclass
class Child:
    """One supervised process: how to start it again, and when it was last restarted."""

    name: str
    argv: list[str]
    env: dict
    log_file: Path
    proc: subprocess.Popen | None = None
    restarts: deque = field(default_factory=deque)  # monotonic times of recent restarts
    restart_at: float | None = None  # set while a restart is pending
    given_up: bool = False

    def spawn(self) -> None:
        with self.log_file.open("ab") as out:
            self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        # var/run/<name>.pid: the store's remote actions find (and restart) a child by it.
        run_dir = self.log_file.parent.parent / "run"
        run_dir.mkdir(exist_ok=True)
        (run_dir / f"{self.name}.pid").write_text(f"{self.proc.pid}\n")

    def note(self, line: str) -> None:
        """The same line in the child's own log, so its log tells the whole story."""
        with self.log_file.open("a") as out:
            out.write(f"--- demo: {line}\n")


def var_secret(var: Path, name: str) -> str:
    """A random secret kept in the demo's var dir (made on first use): never a built-in value."""
    path = var / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def exit_reason(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class Demo:
    var: Path
    store: str
    onprem_port: int
    cloud_port: int
    mqtt_url: str
    embedded_broker: bool
    erp_port: int
    cashless_port: int
    children: dict[str, Child] = field(default_factory=dict)
    on_restart: list = field(default_factory=list)  # callbacks after a child got a new pid

    @property
    def processes(self) -> dict[str, subprocess.Popen]:
        return {name: child.proc for name, child in self.children.items()}

    def env(self, tier: str, **extra: str) -> dict:
        env = {**os.environ, "SMARTCART_DEMO": "1", "SMARTCART_TIER": tier, "DJANGO_SETTINGS_MODULE": f"{tier}.settings",
               "SMARTCART_VAR_DIR": str(self.var), "SMARTCART_STORE_ID": self.store,
               "SMARTCART_MQTT_URL": self.mqtt_url, "PYTHONUNBUFFERED": "1",
               "SMARTCART_ERP_URL": f"http://127.0.0.1:{self.erp_port}",
               "SMARTCART_CASHLESS_URL": f"http://127.0.0.1:{self.cashless_port}",
               "SMARTCART_CASHLESS_EVENT_SECRET": var_secret(self.var, "cashless-event-secret"), **extra}
        if tier == "cloud" and "SMARTCART_DB_URL" in os.environ and "SMARTCART_CLOUD_DB_URL" not in os.environ:
            # Two tiers must never share one database: give the cloud its own SQLite file.
            env["SMARTCART_CLOUD_DB_URL"] = f"sqlite:///{self.var / 'cloud.sqlite3'}"
        return env

    def manage(self, tier: str, *args: str, **extra: str) -> str:
        """Run a management command to completion; its stdout, or exit with its error."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(tier, **extra),
                              capture_output=True, text=True)
        if done.returncode:
            sys.exit(f"demo: `manage.py {' '.join(args)}` ({tier}) failed:\n{done.stderr.strip()}")
        return done.stdout

    def start(self, name: str, argv: list[str], tier: str = "onprem", **extra: str) -> None:
        child = Child(name, argv, self.env(tier, **extra), self.var / "logs" / f"{name}.log")
        child.spawn()
        self.children[name] = child

    def supervise(self, now: float | None = None) -> None:
        """Report children that exited, restart them when their backoff is over."""
        now = time.monotonic() if now is None else now
        for child in self.children.values():
            if child.given_up:
                continue
            if child.restart_at is None and child.proc.poll() is not None:
                self._exited(child, now)
            elif child.restart_at is not None and now >= child.restart_at:
                self._restart(child, now)

    def _exited(self, child: Child, now: float) -> None:
        while child.restarts and now - child.restarts[0] > RESTART_WINDOW_SECONDS:
            child.restarts.popleft()
        reason = exit_reason(child.proc.returncode)
        if len(child.restarts) >= RESTART_LIMIT:
            child.given_up = True
            line = (f"{child.name} is CRASH-LOOPING: {reason} after {len(child.restarts)} restarts within "
                    f"{RESTART_WINDOW_SECONDS:.0f} s; it stays stopped, the rest keeps running; see {child.log_file}")
            log.critical(line)
            child.note(line)
            return
        delay = min(MAX_RESTART_SECONDS, FIRST_RESTART_SECONDS * 2 ** len(child.restarts))
        child.restart_at = now + delay
        line = f"{child.name} exited ({reason}); restarting it in {delay:.0f} s; see {child.log_file}"
        log.error(line)
        child.note(line)

    def _restart(self, child: Child, now: float) -> None:
        child.restart_at = None
        child.restarts.append(now)
        child.spawn()
        log.warning("%s restarted (pid %s, restart %d within %.0f s)", child.name, child.proc.pid,
                    len(child.restarts), RESTART_WINDOW_SECONDS)
        for callback in self.on_restart:
            callback()

    def stop(self) -> None:
        for proc in self.processes.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, proc in self.processes.items():
            if proc.returncode is not None:
                continue
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("%s did not stop in time; killing it", name)
                proc.kill()

    def died(self) -> str | None:
        return next((name for name, proc in self.processes.items() if proc.poll() is not None), None)


def port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def wait_for_port(port: int, what: str, demo: Demo, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while port_free(port):
        if (name := demo.died()) or time.monotonic() > deadline:
            demo.stop()
            sys.exit(f"demo: {what} did not start on port {port}"
                     + (f": {name} exited, see {demo.var / 'logs' / (name + '.log')}" if name else ""))
        time.sleep(0.2)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="smartcart demo", description=__doc__.splitlines()[0])
    parser.add_argument("--var", type=Path, default=ROOT / "var", help="where databases, logs and demo.json go")
    parser.add_argument("--store", default="store-001")
    parser.add_argument("--onprem-port", type=int, default=8000)
    parser.add_argument("--cloud-port", type=int, default=8100)
    parser.add_argument("--mqtt-port", type=int, default=1884, help="embedded broker (1883 is often Mosquitto's)")
    parser.add_argument("--erp-port", type=int, default=8300, help="the ERP emulator")
    parser.add_argument("--cashless-port", type=int, default=8080, help="the cashless terminal emulator")
    parser.add_argument("--rack-page-port", type=int, default=8081,
                        help="the one real rack agent's technician page (reached through the tunnel)")
    parser.add_argument("--racks", type=int, default=3)
    parser.add_argument("--slots", type=int, default=10)
    parser.add_argument("--carts", type=int, default=24)
    return parser.parse_args(argv)


def check_ports(args: argparse.Namespace, embedded: bool) -> None:
    wanted = {"on-prem": args.onprem_port, "cloud": args.cloud_port, "ERP emulator": args.erp_port,
              "cashless emulator": args.cashless_port, "rack page": args.rack_page_port}
    if embedded:
        wanted["MQTT broker"] = args.mqtt_port
    for what, port in wanted.items():
        if not port_free(port):
            sys.exit(f"demo: port {port} for the {what} is in use; stop what holds it or pass another port")


def bootstrap(demo: Demo, args: argparse.Namespace, store_key: str) -> dict:
    """Databases migrated, users, tokens, the store and its devices: all idempotent."""
    demo.manage("onprem", "migrate", "--noinput", "-v", "0")
    demo.manage("cloud", "migrate", "--noinput", "-v", "0")
    credentials = demo.var / "device-credentials.json"
    onprem = json.loads(demo.manage("onprem", "bootstrap_demo", "--racks", str(args.racks + 1), "--slots",
                                    str(args.slots), "--carts", str(args.carts), "--credentials", str(credentials)))
    cloud = json.loads(demo.manage("cloud", "bootstrap_demo", "--store", args.store, f"--key={store_key}"))
    return {"onprem": onprem, "cloud": cloud, "credentials": credentials}


def start_all(demo: Demo, args: argparse.Namespace, store_key: str, credentials: Path) -> None:
    py = sys.executable
    if demo.embedded_broker:
        demo.start("broker", [py, "-m", "smartcart.broker", "--port", str(args.mqtt_port)])
        wait_for_port(args.mqtt_port, "the embedded MQTT broker", demo)
    demo.start("erp-emulator", [py, "-m", "smartcart.cli", "erp-emulator", "--port", str(args.erp_port)])
    demo.start("cashless-emulator", [py, "-m", "smartcart.cli", "cashless-emulator", "--port", str(args.cashless_port)])
    demo.start("cloud", [py, "-m", "daphne", "-b", "127.0.0.1", "-p", str(args.cloud_port), "cloud.asgi:application"],
               tier="cloud")
    demo.start("cloud-monitor", [py, "manage.py", "monitor"], tier="cloud")
    demo.start("onprem", [py, "-m", "daphne", "-b", "127.0.0.1", "-p", str(args.onprem_port), "onprem.asgi:application"])
    demo.start("ingest", [py, "manage.py", "ingest"])
    wait_for_port(args.cloud_port, "the cloud", demo)
    demo.start("uplink", [py, "manage.py", "uplink"], SMARTCART_CLOUD_URL=f"ws://127.0.0.1:{args.cloud_port}",
               SMARTCART_CLOUD_STORE_KEY=store_key, SMARTCART_REMOTE_ONPREM_URL=f"http://127.0.0.1:{args.onprem_port}")
    start_rack_page(demo, args, credentials)
    demo.start("simulator", [py, "-m", "smartcart.cli", "simulate", "--store", args.store, "--racks", str(args.racks),
                             "--slots", str(args.slots), "--carts", str(args.carts), "--mqtt", demo.mqtt_url,
                             "--credentials", str(credentials), "--outbox-dir", str(demo.var / "outbox")])
    wait_for_port(args.onprem_port, "the on-prem tier", demo)
    wait_for_port(args.erp_port, "the ERP emulator", demo)
    wait_for_port(args.cashless_port, "the cashless emulator", demo)
    print(demo.manage("onprem", "sync_erp", "--full").strip(), flush=True)
    print(demo.manage("onprem", "listen_cashless", "--base", f"http://127.0.0.1:{args.onprem_port}").strip(), flush=True)


def page_rack(args: argparse.Namespace) -> str:
    """The rack a real `python -m rack_agent` runs, with its page: the one after the simulated ones."""
    return f"rack-{args.racks + 1:02d}"


def start_rack_page(demo: Demo, args: argparse.Namespace, credentials: Path) -> None:
    """One real rack agent serving its technician page, announced to the store (page_url), so
    ops can open a rack page through the tunnel. The simulated racks serve no page."""
    from rack_agent.technician import hash_password

    rack = page_rack(args)
    login = json.loads(credentials.read_text())[rack]
    password = var_secret(demo.var, "rack-page-password")
    # Fewer PBKDF2 rounds than a real rack's hash: the demo hashes at every start, and its
    # password is random and local.
    demo.start("rack-page", [sys.executable, "-m", "rack_agent"], SMARTCART_AGENT_STORE=args.store,
               SMARTCART_AGENT_DEVICE=rack, SMARTCART_AGENT_MQTT_URL=demo.mqtt_url,
               SMARTCART_AGENT_USERNAME=login["username"], SMARTCART_AGENT_PASSWORD=login["password"],
               SMARTCART_AGENT_SLOTS=str(args.slots), SMARTCART_AGENT_SIM_CARTS="0",
               SMARTCART_AGENT_OUTBOX=str(demo.var / "agents" / f"{rack}.outbox.sqlite3"),
               SMARTCART_AGENT_HTTP_PORT=str(args.rack_page_port),
               SMARTCART_AGENT_HTTP_PASSWORD_HASH=hash_password(password, iterations=20_000))


def remote_urls(summary: dict, args: argparse.Namespace, demo: Demo) -> dict:
    """What ops open from the cloud through the store's tunnel (docs/operations.md)."""
    base = f"{summary['cloud_url']}/remote/{args.store}"
    return {"api": f"{base}/api/v1/carts/", "rack_page": f"{base}/racks/{page_rack(args)}/",
            "rack_login": f"technician:{var_secret(demo.var, 'rack-page-password')}"}


def announce(demo: Demo, args: argparse.Namespace, creds: dict) -> dict:
    summary = {
        "onprem_url": f"http://127.0.0.1:{args.onprem_port}",
        "cloud_url": f"http://127.0.0.1:{args.cloud_port}",
        "staff": {"username": creds["onprem"]["username"], "password": creds["onprem"]["password"]},
        "ops": {"username": creds["cloud"]["username"], "password": creds["cloud"]["password"]},
        "tokens": {"staff": creds["onprem"]["staff_token"], "ops": creds["cloud"]["ops_token"]},
        "mqtt_url": demo.mqtt_url,
        "store": args.store,
        "logs": str(demo.var / "logs"),
        "processes": {name: proc.pid for name, proc in demo.processes.items()},
    }
    summary["remote"] = remote = remote_urls(summary, args, demo)
    rack_login = base64.b64encode(remote["rack_login"].encode()).decode()
    write_summary(demo, summary)
    print(f"""
SmartCart demo is running (store {args.store}: {args.racks} racks x {args.slots} slots, {args.carts} carts)

  on-prem   {summary['onprem_url']}   API {summary['onprem_url']}/api/docs/   admin {summary['onprem_url']}/admin/
            staff login {summary['staff']['username']} / {summary['staff']['password']}
            curl -H 'Authorization: Bearer {summary['tokens']['staff']}' {summary['onprem_url']}/api/v1/carts/
  cloud     {summary['cloud_url']}   API {summary['cloud_url']}/api/docs/   admin {summary['cloud_url']}/admin/
            ops login {summary['ops']['username']} / {summary['ops']['password']}
            curl -H 'Authorization: Bearer {summary['tokens']['ops']}' {summary['cloud_url']}/api/v1/stores/
  remote    through the store's tunnel, as ops (docs/operations.md, "How ops reaches a store"):
            curl -H 'Authorization: Bearer {summary['tokens']['ops']}' {remote['api']}
            curl -H 'Authorization: Bearer {summary['tokens']['ops']}' -H 'X-SmartCart-Rack-Authorization: Basic {rack_login}' {remote['rack_page']}
            (the rack page's login: {remote['rack_login']})
  MQTT      {demo.mqtt_url}
  ERP       http://127.0.0.1:{args.erp_port} (emulator; catalog synced)   cashless terminal http://127.0.0.1:{args.cashless_port} (emulator)
            python manage.py homologate erp|cashless  (with SMARTCART_VAR_DIR={demo.var})
  written to {demo.var / 'demo.json'}; logs in {summary['logs']}

Ctrl-C stops everything.
""", flush=True)
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
    demo = Demo(var=var, store=args.store, onprem_port=args.onprem_port, cloud_port=args.cloud_port,
                mqtt_url=configured or f"mqtt://127.0.0.1:{args.mqtt_port}?protocol=3", embedded_broker=not configured,
                erp_port=args.erp_port, cashless_port=args.cashless_port)
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
        start_all(demo, args, store_key, creds["credentials"])
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
