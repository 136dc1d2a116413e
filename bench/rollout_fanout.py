"""The cloud's side of an on-prem rollout to many stores: starting it (each store checked
against the compatibility table, one `onprem.update` per store queued), keeping the stores'
`software_report` entries, and reading the rollout back.

    python bench/rollout_fanout.py [--stores 1000] [--carts 50]
    SMARTCART_DB_URL=mysql://root@127.0.0.1:3306/x python bench/rollout_fanout.py

In-process, against a scratch database: SQLite in a temporary directory, or `<name>_rollbench`
beside SMARTCART_DB_URL (dropped first). The stores are registered rows with a heartbeat that
says what they run and --carts devices of firmware each (1 % of stores run firmware the target
does not take, so they are refused); no tunnel is open, so the commands wait in the outbox as
they would for offline stores. Reports go through cloud.software.services.record_report, the
function the tunnel consumer calls, 6 entries per store (downloading .. switched), one frame each.
Last line:
rollout stores=<n> start_s=<s> refused=<n> reports_per_s=<r> detail_ms=<ms> finished=<bool>
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STEPS = ("downloading", "installing", "migrating", "checking", "checking", "switched")


def scratch_env(tmp: Path) -> dict:
    env = {
        **os.environ,
        "SMARTCART_TIER": "cloud",
        "DJANGO_SETTINGS_MODULE": "cloud.settings",
        "SMARTCART_DEMO": "1",
        "SMARTCART_LOG_LEVEL": "WARNING",
        "SMARTCART_VAR_DIR": str(tmp),
    }
    url = os.environ.get("SMARTCART_DB_URL")
    if url:
        parts = urlsplit(url)
        scratch = urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_rollbench"))
        from bench.ingest import recreate_database

        recreate_database(scratch)
        env["SMARTCART_DB_URL"] = env["SMARTCART_CLOUD_DB_URL"] = scratch
    return env


def populate(stores: int, carts: int):
    from django.utils import timezone

    from cloud.releases.models import DeviceFirmware, Release
    from cloud.stores.models import Store, StoreGroup

    beat = {"status": "ok", "components": {}, "software": {"version": "0.1.0", "protocol": 1}}
    rows = Store.objects.bulk_create(
        Store(
            code=f"store-{n:04d}",
            name=f"store {n}",
            key_hash="0" * 64,
            key_prefix="x",
            last_heartbeat=beat,
            last_heartbeat_at=timezone.now(),
        )
        for n in range(stores)
    )
    group = StoreGroup.objects.create(name="bench")
    group.stores.add(*rows)
    DeviceFirmware.objects.bulk_create(
        (
            DeviceFirmware(
                store=s,
                device=f"cart-{c:03d}",
                kind="cart",
                version="0.9.0" if n % 100 == 0 and c == 0 else "1.0.0",
            )
            for n, s in enumerate(rows)
            for c in range(carts)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    release = Release.objects.create(
        hardware="onprem-v1",
        version="0.2.0",
        version_order=2_000_000,
        channel="stable",
        manifest={"artifact": "onprem-v1-0.2.0.whl"},
        sha256="a" * 64,
        size=1000,
        key_id="b" * 16,
        expires=now + timezone.timedelta(days=9),
        artifact_file="x",
        uploaded_by="bench",
    )
    return rows, group, release


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--stores", type=int, default=1000)
    args.add_argument("--carts", type=int, default=50)
    opts = args.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(scratch_env(Path(tmp)))
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, check=True)
        import django

        django.setup()
        run(opts.stores, opts.carts)


def run(stores: int, carts: int) -> None:
    from django.contrib.auth import get_user_model
    from rest_framework.test import APIClient

    from cloud.core.tokens import issue_token
    from cloud.software import services
    from cloud.software.models import Rollout, StoreUpdate

    rows, group, release = populate(stores, carts)
    began = time.perf_counter()
    rollout = services.start_rollout(release, group, "bench")
    start_s = time.perf_counter() - began
    refused = StoreUpdate.objects.filter(rollout=rollout, state="refused").count()
    began, entries = time.perf_counter(), 0
    for store in rows:
        for second, state in enumerate(STEPS):
            at = f"2026-11-24T10:00:{second:02d}Z"
            services.record_report(
                store,
                {
                    "updates": [
                        {
                            "rollout": rollout.pk,
                            "version": "0.2.0",
                            "state": state,
                            "step": state,
                            "at": at,
                        }
                    ]
                },
            )
            entries += 1
    reports_per_s = entries / (time.perf_counter() - began)
    user = get_user_model().objects.create(username="bench", is_staff=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user, scopes=['ops']).token}")
    client.get(f"/api/v1/rollouts/{rollout.pk}/")
    began = time.perf_counter()
    assert client.get(f"/api/v1/rollouts/{rollout.pk}/").status_code == 200
    detail_ms = (time.perf_counter() - began) * 1000
    finished = Rollout.objects.get(pk=rollout.pk).state == "finished"
    print(
        f"rollout stores={stores} start_s={start_s:.2f} refused={refused} "
        f"reports_per_s={reports_per_s:.0f} detail_ms={detail_ms:.0f} finished={finished}"
    )


if __name__ == "__main__":
    main()
