"""What the on-prem update end-to-end test and bench/onprem_update.py share: a wheel of this
checkout built as an on-prem release and signed with the demo's release key, uploaded as ops,
a rollout to the demo's store, and a read of the store's SQLite database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx

from smartcart.release.build import build_release
from smartcart.release.onprem_wheel import build_onprem_wheel, mark_table

STORE = "store-001"
# Tables the store does not write on its own while no shopper shops: what "intact" compares.
STEADY = {
    "auth_user": "username, password",
    "fleet_cart": "device_id, pairing_code",
    "fleet_rack": "device_id, slot_count",
    "catalog_product": "code, name, price",
}
FINAL = ("switched", "rolled_back", "failed", "refused")
__all__ = ["mark_table"]


def upload_onprem(
    ops: httpx.Client, info: dict, tmp: Path, version: str, *, broken: bool = False
) -> dict:
    """An onprem-v1 release of this checkout (with one more migration, a table named after the
    version), signed with demo.json's release key, uploaded as ops."""
    wheel = build_onprem_wheel(
        version=version, out=tmp / "wheels", broken=broken, mark_migration=True
    )
    manifest, artifact = build_release(
        image=wheel,
        version=version,
        hardware="onprem-v1",
        channel="stable",
        expires_days=30,
        key=Path(info["release_key"]),
        out=tmp / "release",
    )
    with manifest.open("rb") as m, artifact.open("rb") as a:
        answer = ops.post("/api/v1/releases/", files={"manifest": m, "artifact": a})
    assert answer.status_code == 201, answer.text
    return answer.json()


def start_rollout(ops: httpx.Client, release: int) -> dict:
    answer = ops.post("/api/v1/rollouts/", json={"release": release, "stores": [STORE]})
    assert answer.status_code == 201, answer.text
    return answer.json()


def store_update(ops: httpx.Client, rollout: int) -> dict:
    rows = ops.get(f"/api/v1/rollouts/{rollout}/").json()["updates"]
    return next(row for row in rows if row["store"] == STORE)


def heartbeat_version(ops: httpx.Client) -> str | None:
    store = ops.get(f"/api/v1/stores/{STORE}/").json()
    return ((store.get("last_heartbeat") or {}).get("software") or {}).get("version")


def snapshot(var: Path) -> dict:
    """The steady tables' rows, every table's name and the applied migrations of the store."""
    db = sqlite3.connect(f"file:{var / 'onprem.sqlite3'}?mode=ro", uri=True, timeout=30)
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = {
            table: sorted(map(repr, db.execute(f"SELECT {columns} FROM {table}")))
            for table, columns in STEADY.items()
        }
        migrations = {f"{a}.{n}" for a, n in db.execute("SELECT app, name FROM django_migrations")}
    finally:
        db.close()
    return {"tables": tables, "rows": rows, "migrations": migrations}
