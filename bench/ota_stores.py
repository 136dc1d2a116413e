"""Many stores updating at once through one cloud: 20 stores x 50 carts, one campaign, devices
updated per minute (AWS IoT Jobs' default rollout ceiling is 1,000/min; goal >= 1,000).

    python bench/ota_stores.py [--stores 20] [--carts 50] [--cart-seconds 15] [--image-mb 20]

Twenty real on-prem tiers with 1,000 agents do not fit two cores, so the stores are simulated
at the protocol level, each exactly as the cloud sees a store: a real tunnel client
(onprem.uplink.client.Uplink) that acks the cloud's `ota.release` and `ota.campaign` store
commands, downloads the artifact once from the cloud (store key, HTTP, sha256 checked) and
sends `ota_report` frames every 2 s until acked. What is simulated is inside the store: its
carts. Each store installs at most --concurrency carts at once (the on-prem default, 25), and a
cart takes --cart-seconds from ota.install to succeeded (bench/ota.py measures that on a real
store: use its p50); job states go downloading -> installing -> rebooting -> verifying ->
succeeded. The cloud is the real one: daphne + `manage.py monitor`, SQLite (WAL) in a temporary
directory; it judges the reports, moves the campaign and serves the artifact.

Measured: seconds from the campaign's POST until the cloud's campaign API shows every device
succeeded, devices per minute over that span, the artifact bytes each store fetched (copies of
the image), the cloud's peak RSS and CPU. Last line:
stores=<n> devices=<n> devices_per_min=<r> wan_copies_per_store=<x> failed=<n>
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.ota_kit import Processes, free_port, wait_for_port  # noqa: E402

KEY = "ota-stores-bench-key-0123456789abcdefghij"
REPORT_SECONDS = 2.0
RESEND_AFTER_SECONDS = 15.0  # a report not acked by then is sent again (its jobs stay dirty)
STEPS = (("downloading", 0.55), ("installing", 0.2), ("rebooting", 0.1), ("verifying", 0.15))


def code(n: int) -> str:
    return f"otab-{n:03d}"


# -- one simulated store (its tunnel is real; its carts are a schedule)


class SimStore:
    def __init__(self, store: str, cloud: str, args) -> None:
        self.store, self.cloud, self.args = store, cloud, args
        self.carts = [f"cart-{n:03d}" for n in range(1, args.carts + 1)]
        self.jobs: dict[str, dict] = {}  # cart -> the job row the cloud gets
        self.started: dict[str, float] = {}  # cart -> monotonic start of its install
        self.dirty: set[str] = set()  # carts whose row changed since the last acked report
        # report frame id -> (when sent, {cart: the updated_at it carried})
        self.in_flight: dict[str, tuple[float, dict[str, str]]] = {}
        self.release: dict | None = None
        self.cached = asyncio.Event()
        self.campaign: dict | None = None
        self.fetched = 0
        self.firmware_sent = False

    async def on_command(self, frame, send) -> None:
        from smartcart import tunnel_frames as frames

        name, args = frame.body.get("name"), frame.body.get("args", {})
        if name == "ota.release" and args["manifest"]["hardware"] == "cart-v1":
            if self.release is None:
                self.release = args
                asyncio.create_task(self.fetch(args))
        elif name == "ota.campaign":
            if self.campaign is None or args["revision"] > self.campaign["revision"]:
                self.campaign = args
        await send(frames.ack(frame.id, state="done", result={"store": self.store}))

    async def fetch(self, release: dict) -> None:
        """The artifact once, from the cloud, as the store's worker fetches it."""
        import httpx

        url = self.cloud + release["artifact_path"]
        headers = {"X-SmartCart-Store": self.store, "Authorization": f"Bearer {KEY}"}
        digest = hashlib.sha256()
        async with httpx.AsyncClient(timeout=120) as client:
            async with client.stream("GET", url, headers=headers) as answer:
                answer.raise_for_status()
                async for chunk in answer.aiter_raw(256 * 1024):
                    digest.update(chunk)
                    self.fetched += len(chunk)
        assert digest.hexdigest() == release["manifest"]["sha256"], "artifact corrupt"
        self.cached.set()

    def target(self) -> int:
        wanted = self.campaign["target"]
        if "carts" in wanted:
            return min(len(self.carts), wanted["carts"])
        return min(len(self.carts), -(-len(self.carts) * wanted["percent"] // 100))

    def step(self, now: float) -> None:
        """Start jobs up to the target and the concurrency; move running ones along."""
        if not self.campaign or self.campaign["state"] != "running" or not self.cached.is_set():
            return
        for cart in self.carts[: self.target()]:
            if cart not in self.jobs:
                self.set(cart, "waiting", waiting_reason="concurrency: 25 carts install at once")
        active = [c for c in self.started if self.jobs[c]["state"] not in ("succeeded",)]
        for cart, job in self.jobs.items():
            if job["state"] == "waiting" and len(active) < self.args.concurrency:
                self.started[cart] = now
                active.append(cart)
        for cart in active:
            self.advance(cart, (now - self.started[cart]) / self.args.cart_seconds)

    def advance(self, cart: str, done: float) -> None:
        passed = 0.0
        for state, share in STEPS:
            passed += share
            if done < passed:
                percent = (
                    min(100, int(done / STEPS[0][1] * 100)) if state == "downloading" else None
                )
                if (self.jobs[cart]["state"], self.jobs[cart]["percent"]) != (state, percent):
                    self.set(cart, state, percent=percent)
                return
        if self.jobs[cart]["state"] != "succeeded":
            self.set(cart, "succeeded")

    def set(
        self, cart: str, state: str, *, percent: int | None = None, waiting_reason: str = ""
    ) -> None:
        from smartcart import tunnel_frames as frames

        campaign, release = self.campaign, self.campaign["release"]
        self.jobs[cart] = {
            "campaign": campaign["campaign"], "release": release["release"], "device": cart,
            "kind": "cart", "phase": campaign["phase"], "state": state, "percent": percent,
            "waiting_reason": waiting_reason, "reason": "", "detail": "",
            "from_version": "1.0.0", "to_version": release["manifest"]["version"],
            "requested_by": f"campaign:{campaign['campaign']}", "updated_at": frames.now_iso(),
        }  # fmt: skip
        self.dirty.add(cart)

    def report(self, now: float):
        """The next ota_report frame (changed jobs, at most 200, none already on its way), or
        None when nothing is left to say."""
        from smartcart import tunnel_frames as frames

        for frame_id, (sent, _) in list(self.in_flight.items()):
            if now - sent > RESEND_AFTER_SECONDS:
                del self.in_flight[frame_id]
        carried = {c for _, stamps in self.in_flight.values() for c in stamps}
        carts = sorted(self.dirty - carried)[:200]
        if not carts and self.firmware_sent:
            return None
        body = {"jobs": [self.jobs[c] for c in carts], "firmware": self.firmware(carts)}
        if self.campaign:
            zero = dict.fromkeys(("carts", "use_hours", "faults", "sessions", "help_requests"), 0)
            body["campaigns"] = [{"campaign": self.campaign["campaign"], "carts_total": len(self.carts),
                                  "behaviour": {"updated": zero, "control": zero}}]  # fmt: skip
        frame = frames.Frame(frames.OTA_REPORT, frames.new_id(), body, frames.now_iso())
        self.in_flight[frame.id] = (now, {c: self.jobs[c]["updated_at"] for c in carts})
        return frame

    def firmware(self, carts: list[str]) -> list[dict]:
        if not self.firmware_sent:  # all on the first report of a connection
            self.firmware_sent = True
            return [{"device": c, "kind": "cart", "version": "1.0.0"} for c in self.carts]
        done = [c for c in carts if self.jobs[c]["state"] == "succeeded"]
        return [{"device": c, "kind": "cart", "version": self.jobs[c]["to_version"]} for c in done]

    def acked(self, frame_id: str) -> None:
        """The cloud kept the report: its jobs are said, unless they changed since."""
        _, stamps = self.in_flight.pop(frame_id, (0.0, {}))
        for cart, stamp in stamps.items():
            if self.jobs[cart]["updated_at"] == stamp:
                self.dirty.discard(cart)


async def simulate(cloud: str, first: int, count: int, args) -> None:
    from onprem.uplink.client import Backoff, Uplink, tunnel_url
    from smartcart import tunnel_frames as frames

    stores = [SimStore(code(n), cloud, args) for n in range(first, first + count)]

    class StoreUplink(Uplink):
        sim: SimStore
        ws = None

        async def dispatch(self, ws, frame):
            self.ws = ws
            if frame.type == frames.ACK and frame.id in self.sim.in_flight:
                self.sim.acked(frame.id)
                return
            await super().dispatch(ws, frame)

    async def heartbeat(store: str) -> dict:
        carts = {"total": args.carts, "online": args.carts, "offline": 0, "low_battery": 0,
                 "fault": 0, "docked": args.carts}  # fmt: skip
        return {"store": store, "status": "ok",
                "components": {"database": {"ok": True, "detail": "bench", "ms": 0.1}},
                "fleet": {"carts": carts, "racks": {"total": 5, "online": 5, "offline": 0}}}  # fmt: skip

    uplinks = []
    for sim in stores:
        uplink = StoreUplink(url=tunnel_url(cloud), store=sim.store, key=KEY, heartbeat_seconds=10,
                             build_heartbeat=lambda s=sim.store: heartbeat(s), backoff=Backoff(cap=5.0),
                             handlers={frames.COMMAND: sim.on_command})  # fmt: skip
        uplink.sim = sim
        uplinks.append(uplink)

    async def engine(uplink) -> None:
        sim, last_report = uplink.sim, 0.0
        while True:
            await asyncio.sleep(0.25)
            sim.step(time.monotonic())
            if uplink.up and uplink.ws and time.monotonic() - last_report >= REPORT_SECONDS:
                last_report = time.monotonic()
                while frame := sim.report(last_report):
                    await uplink.ws.send(frame.to_json())

    async def status() -> None:
        while True:
            done = sum(j["state"] == "succeeded" for s in stores for j in s.jobs.values())
            print(json.dumps({"up": sum(u.up for u in uplinks), "succeeded": done,
                              "fetched": [s.fetched for s in stores]}), flush=True)  # fmt: skip
            await asyncio.sleep(1)

    await asyncio.gather(status(), *(u.run() for u in uplinks), *(engine(u) for u in uplinks))


# -- the cloud and the measurement


def cloud_env(var: Path, public: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_"))}
    return {**env, "SMARTCART_TIER": "cloud", "DJANGO_SETTINGS_MODULE": "cloud.settings",
            "SMARTCART_DEMO": "1", "SMARTCART_VAR_DIR": str(var), "PYTHONUNBUFFERED": "1",
            "SMARTCART_CLOUD_DB_URL": f"sqlite:///{var}/cloud.sqlite3", "SMARTCART_LOG_LEVEL": "WARNING",
            "SMARTCART_RELEASE_TRUST": str(public)}  # fmt: skip


def setup_cloud(env: dict, stores: int) -> str:
    """Migrate, register the stores with one key, return an ops token."""
    out = subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env)
    assert out.returncode == 0
    boot = subprocess.run([sys.executable, "manage.py", "bootstrap_demo", "--store", code(0), f"--key={KEY}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)  # fmt: skip
    script = (
        "from cloud.stores import keys; from cloud.stores.models import Store\n"
        f"digest = keys.key_hash({KEY!r})\n"
        f"Store.objects.bulk_create([Store(code=f'otab-{{n:03d}}', name=f'otab-{{n:03d}}', key_hash=digest,"
        f" key_prefix={KEY[:8]!r}) for n in range(1, {stores})], ignore_conflicts=True)\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=env, check=True
    )
    return json.loads(boot.stdout)["ops_token"]


class Sims:
    def __init__(self, procs: list[subprocess.Popen]) -> None:
        self.procs, self.latest = procs, [{"up": 0, "succeeded": 0, "fetched": []} for _ in procs]
        for i, proc in enumerate(procs):
            threading.Thread(target=self.read, args=(i, proc), daemon=True).start()

    def read(self, i: int, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            try:
                self.latest[i] = json.loads(line)
            except ValueError:
                pass

    def total(self, key: str) -> int:
        return sum(s[key] for s in self.latest)

    def fetched(self) -> list[int]:
        return [n for s in self.latest for n in s["fetched"]]

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            proc.wait(30)


def wait(check, timeout: float, what: str, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(every)
    raise SystemExit(f"bench: {what}: not within {timeout:.0f} s")


def run(args) -> int:
    import httpx
    import psutil

    from smartcart.release.build import build_release, sample_image
    from smartcart.release.signing import generate

    work = Path(tempfile.mkdtemp(prefix="otastores-"))
    private, public, _ = generate(work / "keys")
    env = cloud_env(work, public)
    token = setup_cloud(env, args.stores)
    port = free_port()
    cloud_url = f"http://127.0.0.1:{port}"
    procs = Processes(work / "logs", label="cloud")
    daphne = [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port)]
    procs.start("cloud", [*daphne, "cloud.asgi:application"], env, tier=True)
    procs.start(
        "cloud-monitor", [sys.executable, "manage.py", "monitor", "--interval", "2"], env, tier=True
    )
    wait_for_port(port)
    per_sim = -(-args.stores // args.sims)
    sim_env = {**env, "DJANGO_SETTINGS_MODULE": "onprem.settings", "SMARTCART_TIER": "onprem"}
    sims = Sims([
        subprocess.Popen([sys.executable, __file__, "--simulate", cloud_url, "--first", str(first),
                          "--count", str(min(per_sim, args.stores - first)), "--carts", str(args.carts),
                          "--cart-seconds", str(args.cart_seconds), "--concurrency", str(args.concurrency)],
                         cwd=ROOT, env=sim_env, stdout=subprocess.PIPE, text=True)
        for first in range(0, args.stores, per_sim)
    ])  # fmt: skip
    ops = httpx.Client(
        base_url=cloud_url, headers={"Authorization": f"Bearer {token}"}, timeout=300
    )
    try:
        wait(lambda: sims.total("up") >= args.stores, 120, f"{args.stores} stores online")
        image = sample_image(
            version="1.1.0", out=work / "image.tar.gz", payload_bytes=int(args.image_mb * 2**20)
        )
        manifest, artifact = build_release(image=image, version="1.1.0", hardware="cart-v1", channel="stable",
                                           expires_days=30, key=private, out=work / "release")  # fmt: skip
        size = artifact.stat().st_size
        with manifest.open("rb") as m, artifact.open("rb") as a:
            release = ops.post("/api/v1/releases/", files={"manifest": m, "artifact": a})
        assert release.status_code == 201, release.text
        sampler = procs.sample_rss()
        cloud_cpu = psutil.Process(procs.procs["cloud"].pid).cpu_times()
        t0 = time.monotonic()
        campaign = ops.post("/api/v1/campaigns/", json={
            "release": release.json()["id"], "stores": "all", "phases": [{"percent": 100}],
            "max_failure_percent": 50, "approval": False, "window": None})  # fmt: skip
        assert campaign.status_code == 201, campaign.text
        url = f"/api/v1/campaigns/{campaign.json()['id']}/"
        devices = args.stores * args.carts

        def succeeded() -> int:
            return ops.get(url).json()["progress"]["totals"]["states"].get("succeeded", 0)

        first_done = wait(
            lambda: succeeded() > 0 and time.monotonic(), args.timeout, "a first success", 0.5
        )
        wait(lambda: succeeded() >= devices, args.timeout, f"{devices} devices succeeded", 0.5)
        done_s = time.monotonic() - t0
        sampler.set()
        cpu = psutil.Process(procs.procs["cloud"].pid).cpu_times()
        detail = ops.get(url).json()
        fetched = sims.fetched()
        copies = sum(fetched) / size / max(1, len(fetched))
        failed = devices - detail["progress"]["totals"]["states"].get("succeeded", 0)
        print(f"{devices} devices in {args.stores} stores: campaign POST -> all succeeded on the cloud "
              f"{done_s:.1f} s ({devices / done_s * 60:.0f} devices/min; first success after "
              f"{first_done - t0:.1f} s); cart time {args.cart_seconds:g} s, {args.concurrency} at once "
              f"per store; campaign state {detail['state']}", flush=True)  # fmt: skip
        print(f"artifact: {size / 2**20:.1f} MB, fetched by each store {min(fetched)}..{max(fetched)} bytes; "
              f"cloud CPU {cpu.user + cpu.system - cloud_cpu.user - cloud_cpu.system:.1f} s; "
              f"{procs.rss_summary()}", flush=True)  # fmt: skip
        print(
            f"stores={args.stores} devices={devices} devices_per_min={devices / done_s * 60:.0f} "
            f"wan_copies_per_store={copies:.2f} failed={failed}"
        )
        return 0
    finally:
        sims.stop()
        procs.stop()
        subprocess.run(["rm", "-rf", str(work)], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stores", type=int, default=20)
    parser.add_argument("--carts", type=int, default=50, help="carts per store")
    parser.add_argument("--cart-seconds", type=float, default=15.0,
                        help="ota.install -> succeeded per cart (bench/ota.py's p50)")  # fmt: skip
    parser.add_argument(
        "--concurrency", type=int, default=25, help="carts installing at once per store"
    )
    parser.add_argument("--image-mb", type=float, default=20)
    parser.add_argument("--sims", type=int, default=1, help="simulator processes")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--simulate", metavar="CLOUD_URL", help=argparse.SUPPRESS)
    parser.add_argument("--first", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.simulate:
        import logging

        logging.basicConfig(level=logging.WARNING)
        asyncio.run(simulate(args.simulate, args.first, args.count, args))
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
