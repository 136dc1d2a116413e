"""The demo store's own software, updated from the cloud: how long from the rollout to the new
version switched in, and from a broken release to the store back on the old one.

    python bench/onprem_update.py [--runs 3] [--shoppers 4]

Starts `smartcart demo` (embedded SQLite, a temporary var dir, every port free), then per run
uploads a wheel of this checkout as the next on-prem version (with one more migration, as a
real release would carry), signed with the demo's release key, and starts a rollout to the
store through the cloud's REST API; then the same with a --broken build of the version after,
whose /healthz fails (the store rolls it back). The shoppers keep shopping meanwhile.

Measured per update, from the store's journal (update.json): accepted -> switched (download,
verify, install, backup, migrate, probe, switch, restart of every on-prem component, confirm)
and accepted -> rolled_back; from the cloud's side: the rollout's POST -> the heartbeat
showing the new version. Last line:
onprem_update runs=<n> switched_s=<median> heartbeat_s=<median> rolled_back_s=<median>
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from smartcart.software import running_version  # noqa: E402
from tests.e2e.demo_onprem import (  # noqa: E402
    heartbeat_version,
    start_rollout,
    store_update,
    upload_onprem,
)
from tests.e2e.demo_ota import clients  # noqa: E402
from tests.e2e.demo_run import eventually, start_demo, stop_demo  # noqa: E402

FINAL = ("switched", "rolled_back", "failed", "refused")


def seconds(job: dict, last: str) -> float:
    at = {h["state"]: h["at"] for h in job["history"]}
    start = datetime.fromisoformat(at["pending"].replace("Z", "+00:00"))
    return (datetime.fromisoformat(at[last].replace("Z", "+00:00")) - start).total_seconds()


def journal(var: Path, version: str) -> dict:
    current = json.loads((var / "onprem-releases" / "update.json").read_text())
    assert current["version"] == version, current
    return current


def roll_out(ops, info: dict, tmp: Path, version: str, *, broken: bool) -> tuple[dict, float]:
    release = upload_onprem(ops, info, tmp / version, version, broken=broken)
    posted = time.monotonic()
    rollout = start_rollout(ops, release["id"])["id"]
    eventually(lambda: store_update(ops, rollout)["state"] in FINAL, 180, f"rollout {rollout} over")
    update = store_update(ops, rollout)
    return update, posted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shoppers", type=int, default=4)
    args = parser.parse_args()
    major, minor, patch = (int(p) for p in running_version().split("."))
    switched, heartbeat, rolled_back = [], [], []
    with tempfile.TemporaryDirectory(prefix="onprem-update-bench-") as scratch:
        tmp = Path(scratch)
        proc, info = start_demo(
            tmp / "var", "--history-days", "0", "--shoppers", str(args.shoppers)
        )
        try:
            ops, _ = clients(info)
            eventually(lambda: heartbeat_version(ops) == running_version(), 120, "the store online")
            for run in range(args.runs):
                good = f"{major}.{minor}.{patch + 1 + 2 * run}"
                bad = f"{major}.{minor}.{patch + 2 + 2 * run}"
                update, posted = roll_out(ops, info, tmp, good, broken=False)
                assert update["state"] == "switched", update
                eventually(lambda v=good: heartbeat_version(ops) == v, 60, f"heartbeat at {good}")
                heartbeat.append(time.monotonic() - posted)
                switched.append(seconds(journal(info["var"], good), "switched"))
                update, _ = roll_out(ops, info, tmp, bad, broken=True)
                assert update["state"] == "rolled_back", update
                rolled_back.append(seconds(journal(info["var"], bad), "rolled_back"))
                print(
                    f"run {run + 1}: {good} switched in {switched[-1]:.1f} s (heartbeat "
                    f"{heartbeat[-1]:.1f} s after the POST); broken {bad} rolled back in "
                    f"{rolled_back[-1]:.1f} s",
                    flush=True,
                )
        finally:
            stop_demo(proc)
    print(
        f"onprem_update runs={args.runs} switched_s={statistics.median(switched):.1f} "
        f"heartbeat_s={statistics.median(heartbeat):.1f} "
        f"rolled_back_s={statistics.median(rolled_back):.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
