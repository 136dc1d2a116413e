"""One store's fleet onto a new firmware: 200 simulated carts, all docked and charging, updated
to a 20 MB image by a campaign from the cloud, through the whole chain.

    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/bench SMARTCART_MQTT_URL=mqtt://127.0.0.1:1883 \\
        python bench/ota.py [--carts 200] [--image-mb 20] [--concurrency 25]

Runs the cloud (daphne, SQLite in a temporary directory), the store's on-prem tier (daphne,
ingest, uplink, the `updates` worker; a scratch database `<name>_otabench` beside the
configured MariaDB one, dropped first) and `smartcart simulate --all-docked --speed 1` in
processes of 100 carts (each cart its own agent, MQTT client and A/B firmware slots; at
real-time speed no docked cart fills up and stops charging during the run). The store fetches artifacts from the cloud
through a counting proxy in this process, so the bytes that crossed the WAN are counted on
the cloud's side of the link. Ops uploads the release and starts a one-phase campaign over
the store through the cloud's REST API.

Measured: seconds from the campaign's POST until every cart's job succeeded (on-prem API),
and until the cloud shows them all; per-cart install time (ota.install sent -> succeeded);
artifact bytes fetched from the cloud, in copies of the image (goal: exactly 1); peak RSS
of the on-prem processes (sampled every 0.5 s). --cut-wan-at-mb N drops the store's first
artifact download after N MB: the store must resume it (Range) and still fetch one copy. Last line:
carts=<n> all_done_s=<s> wan_copies=<n> failed=<n>
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ingest import recreate_database  # noqa: E402
from bench.ota_kit import CountingProxy, Processes, free_port, wait_for_port  # noqa: E402

STORE, KEY = "ota-bench", "ota-bench-store-key-0123456789abcdefghij"
FINAL_FAILED = ("failed", "rolled_back", "cancelled")
CARTS_PER_PROCESS = 100


def scratch_db_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_otabench"))


def base_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_"))}
    return {**env, "SMARTCART_DEMO": "1", "PYTHONUNBUFFERED": "1", "SMARTCART_LOG_LEVEL": "WARNING",
            **extra}  # fmt: skip


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"bench: manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def release_key(work: Path) -> tuple[Path, Path]:
    from smartcart.release.signing import generate

    private, public, _ = generate(work / "keys")
    return private, public


def big_release(work: Path, private: Path, megabytes: float) -> tuple[Path, Path]:
    from smartcart.release.build import build_release, sample_image

    image = sample_image(
        version="1.1.0", out=work / "image.tar.gz", payload_bytes=int(megabytes * 2**20)
    )
    return build_release(
        image=image,
        version="1.1.0",
        hardware="cart-v1",
        channel="stable",
        expires_days=30,
        key=private,
        out=work / "release",
    )


class Bench:
    def __init__(self, args, work: Path) -> None:
        self.args, self.work = args, work
        self.procs = Processes(work / "logs")
        self.private, self.public = release_key(work)
        self.cloud_port, self.onprem_port = free_port(), free_port()
        self.cloud_url = f"http://127.0.0.1:{self.cloud_port}"
        self.onprem_url = f"http://127.0.0.1:{self.onprem_port}"
        self.proxy = CountingProxy(self.cloud_url, cut_at=int(args.cut_wan_at_mb * 2**20))

    def cloud_env(self) -> dict:
        return base_env(
            SMARTCART_TIER="cloud",
            DJANGO_SETTINGS_MODULE="cloud.settings",
            SMARTCART_VAR_DIR=str(self.work / "cloud"),
            SMARTCART_CLOUD_DB_URL=f"sqlite:///{self.work}/cloud.sqlite3",
            SMARTCART_RELEASE_TRUST=str(self.public),
        )

    def onprem_env(self) -> dict:
        env = base_env(
            SMARTCART_TIER="onprem",
            DJANGO_SETTINGS_MODULE="onprem.settings",
            SMARTCART_VAR_DIR=str(self.work / "onprem"),
            SMARTCART_DB_URL=scratch_db_url(os.environ["SMARTCART_DB_URL"]),
            SMARTCART_MQTT_URL=os.environ["SMARTCART_MQTT_URL"],
            SMARTCART_STORE_ID=STORE,
            SMARTCART_RELEASE_TRUST=str(self.public),
            SMARTCART_ONPREM_URL=self.onprem_url,
            SMARTCART_OTA_CONCURRENCY=str(self.args.concurrency),
            SMARTCART_CLOUD_STORE_KEY=KEY,
        )
        if os.environ.get("SMARTCART_REDIS_URL"):
            env["SMARTCART_REDIS_URL"] = os.environ["SMARTCART_REDIS_URL"]
        return env

    def start_cloud(self) -> str:
        env = self.cloud_env()
        (self.work / "cloud").mkdir()
        manage(env, "migrate", "--noinput", "-v", "0")
        ops = json.loads(manage(env, "bootstrap_demo", "--store", STORE, f"--key={KEY}"))
        daphne = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1"]
        self.procs.start(
            "cloud", [*daphne, "-p", str(self.cloud_port), "cloud.asgi:application"], env
        )
        self.procs.start("cloud-monitor", [sys.executable, "manage.py", "monitor"], env)
        wait_for_port(self.cloud_port)
        self.proxy.start()
        return ops["ops_token"]

    def start_store(self) -> tuple[str, Path]:
        env = self.onprem_env()
        (self.work / "onprem").mkdir()
        recreate_database(env["SMARTCART_DB_URL"])
        manage(env, "migrate", "--noinput", "-v", "0")
        creds = self.work / "credentials.json"
        racks = math.ceil(self.args.carts / 10)
        out = manage(env, "bootstrap_demo", "--racks", str(racks), "--slots", "10",
                     "--carts", str(self.args.carts), "--credentials", str(creds))  # fmt: skip
        daphne = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1"]
        app = [*daphne, "-p", str(self.onprem_port), "onprem.asgi:application"]
        self.procs.start("onprem", app, env, tier=True)
        self.procs.start("ingest", [sys.executable, "manage.py", "ingest"], env, tier=True)
        cloud_ws = self.cloud_url.replace("http://", "ws://")
        self.procs.start("uplink", [sys.executable, "manage.py", "uplink"],
                         {**env, "SMARTCART_CLOUD_URL": cloud_ws}, tier=True)  # fmt: skip
        # The worker fetches artifacts through the counting proxy: the WAN link to measure.
        self.procs.start("updates", [sys.executable, "manage.py", "updates"],
                         {**env, "SMARTCART_CLOUD_URL": self.proxy.url}, tier=True)  # fmt: skip
        wait_for_port(self.onprem_port)
        return json.loads(out)["staff_token"], creds

    def start_carts(self, creds: Path) -> None:
        """The carts in processes of at most CARTS_PER_PROCESS (an MQTT client's select()
        cannot watch file descriptors past 1024), each with its own ten-slot racks."""
        for n, first in enumerate(range(0, self.args.carts, CARTS_PER_PROCESS)):
            carts = min(CARTS_PER_PROCESS, self.args.carts - first)
            self.procs.start(
                f"simulator-{n + 1}",
                [
                    sys.executable,
                    "-m",
                    "smartcart.cli",
                    "simulate",
                    "--store",
                    STORE,
                    "--racks",
                    str(math.ceil(carts / 10)),
                    "--first-rack",
                    str(first // 10 + 1),
                    "--slots",
                    "10",
                    "--carts",
                    str(carts),
                    "--first-cart",
                    str(first + 1),
                    "--all-docked",
                    "--speed",
                    "1",
                    "--interval",
                    str(self.args.interval),
                    "--mqtt",
                    os.environ["SMARTCART_MQTT_URL"],
                    "--credentials",
                    str(creds),
                    "--trust",
                    str(self.public),
                    "--outbox-dir",
                    str(self.work / "devices"),
                    "--log-level",
                    "WARNING",
                ],  # fmt: skip
                base_env(),
            )


def wait(check, timeout: float, what: str, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise SystemExit(f"bench: {what}: not within {timeout:.0f} s")


def job_counts(staff: httpx.Client) -> dict[str, int]:
    states = ("succeeded", *FINAL_FAILED)
    return {
        s: staff.get("/api/v1/updates/jobs/", params={"state": s}).json()["count"] for s in states
    }


def install_seconds(staff: httpx.Client) -> list[float]:
    """Per job: ota.install sent -> succeeded, from the store's recorded transitions."""
    spans = []
    url = "/api/v1/updates/jobs/"
    while url:
        page = staff.get(url, params={"limit": 500} if url.endswith("/") else None).json()
        for job in page["results"]:
            detail = staff.get(f"/api/v1/updates/jobs/{job['id']}/").json()
            at = {t["to_state"]: t["at"] for t in detail["transitions"]}
            if "sent" in at and "succeeded" in at:
                spans.append(seconds_between(at["sent"], at["succeeded"]))
        url = page.get("next")
    return spans


def seconds_between(a: str, b: str) -> float:
    from datetime import datetime

    parse = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(b) - parse(a)).total_seconds()


def run(args) -> int:
    work = Path(args.workdir or tempfile.mkdtemp(prefix="otabench-"))
    bench = Bench(args, work)
    try:
        ops_token = bench.start_cloud()
        staff_token, creds = bench.start_store()
        ops = httpx.Client(base_url=bench.cloud_url, timeout=120,
                           headers={"Authorization": f"Bearer {ops_token}"})  # fmt: skip
        staff = httpx.Client(base_url=bench.onprem_url, timeout=60,
                             headers={"Authorization": f"Bearer {staff_token}"})  # fmt: skip
        wait(lambda: ops.get(f"/api/v1/stores/{STORE}/").json().get("online"), 60, "store online")
        bench.start_carts(creds)
        started = time.monotonic()
        wait(
            lambda: ready_carts(staff) >= args.carts,
            300,
            f"{args.carts} carts docked and charging",
            2,
        )
        print(
            f"{args.carts} carts docked and charging after {time.monotonic() - started:.0f} s",
            flush=True,
        )

        manifest, artifact = big_release(work, bench.private, args.image_mb)
        size = artifact.stat().st_size
        with manifest.open("rb") as m, artifact.open("rb") as a:
            release = ops.post("/api/v1/releases/", files={"manifest": m, "artifact": a})
        assert release.status_code == 201, release.text
        release = release.json()
        sampler = bench.procs.sample_rss()
        t0 = time.monotonic()
        campaign = ops.post("/api/v1/campaigns/", json={
            "release": release["id"], "stores": [STORE], "phases": [{"percent": 100}],
            "max_failure_percent": 50, "approval": False, "window": None,
        })  # fmt: skip
        assert campaign.status_code == 201, campaign.text
        counts = wait(lambda: (c := job_counts(staff)) and sum(c.values()) >= args.carts and c,
                      args.timeout, "every job finished")  # fmt: skip
        all_done_s = time.monotonic() - t0
        url = f"/api/v1/campaigns/{campaign.json()['id']}/"
        cloud = wait(lambda: (d := ops.get(url).json())["progress"]["totals"]["states"]
                     .get("succeeded", 0) >= counts["succeeded"] and d, 120, "the cloud sees them all")  # fmt: skip
        cloud_done_s = time.monotonic() - t0
        sampler.set()
        spans = install_seconds(staff)
        wan = bench.proxy.artifact_bytes()
        failed = args.carts - counts["succeeded"]
        report(args, size, all_done_s, cloud_done_s, spans, wan, bench, cloud)
        print(
            f"carts={args.carts} all_done_s={all_done_s:.1f} wan_copies={wan / size:.2f} failed={failed}"
        )
        return 0
    finally:
        bench.procs.stop()
        bench.proxy.stop()
        if not args.workdir:
            subprocess.run(["rm", "-rf", str(work)], check=False)


def ready_carts(staff: httpx.Client) -> int:
    rows = staff.get("/api/v1/carts/", params={"limit": 500}).json()["results"]
    return sum(1 for c in rows if c["dock"] and c["battery"] and c["battery"]["charging"])


def report(args, size, all_done_s, cloud_done_s, spans, wan, bench, cloud) -> None:
    spans.sort()
    p95 = spans[int(len(spans) * 0.95) - 1] if spans else float("nan")
    print(
        f"image {size / 2**20:.1f} MB; campaign POST -> all {args.carts} jobs final on the store "
        f"{all_done_s:.1f} s, on the cloud {cloud_done_s:.1f} s; "
        f"{args.carts / all_done_s * 60:.0f} carts/min at concurrency {args.concurrency}",
        flush=True,
    )
    if spans:
        print(f"per cart (ota.install sent -> succeeded): p50 {statistics.median(spans):.1f} s, "
              f"p95 {p95:.1f} s, max {spans[-1]:.1f} s", flush=True)  # fmt: skip
    cut = f" (the link was cut {bench.proxy.cuts} time(s) mid-download)" if bench.proxy.cuts else ""
    print(f"WAN (cloud -> store): {wan} bytes = {wan / size:.2f} copies of the image{cut}; "
          f"LAN artifact bytes served to carts ~{args.carts * size / 2**30:.1f} GiB", flush=True)  # fmt: skip
    print(bench.procs.rss_summary(), flush=True)
    print(
        f"cloud campaign state {cloud['state']}, states {cloud['progress']['totals']['states']}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--carts", type=int, default=200)
    parser.add_argument("--image-mb", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=25, help="SMARTCART_OTA_CONCURRENCY")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between readings")
    parser.add_argument("--timeout", type=float, default=1200, help="seconds for the campaign")
    parser.add_argument(
        "--cut-wan-at-mb",
        type=float,
        default=0,
        help="drop the store's first artifact download after this many MB (it must resume)",
    )
    parser.add_argument("--workdir", help="keep logs and state here (default: a temp dir, removed)")
    args = parser.parse_args(argv)
    db_url, mqtt_url = os.environ.get("SMARTCART_DB_URL", ""), os.environ.get("SMARTCART_MQTT_URL")
    if not db_url.startswith(("mysql", "mariadb")) or not mqtt_url:
        print("bench/ota.py needs SMARTCART_DB_URL (MySQL/MariaDB) and SMARTCART_MQTT_URL",
              file=sys.stderr)  # fmt: skip
        return 2
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
