"""The store commands every store runs (docs/tunnel.md, "Commands"); the remote actions are in
actions.py. Each takes args already checked by smartcart.store_commands and returns a dict."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from importlib.metadata import PackageNotFoundError, version

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from onprem.fleet.services import fleet_summary

from .commands import StoreCommandFn, StoreCommandRefused, requested_by

# An ERP that answers slowly must not hold a store command (and the ops engineer) for the many
# minutes a large catalog can take: past this the command answers, the sync goes on and its
# SyncRun row (the store's ERP sync status) tells how it ended.
ERP_SYNC_WAIT_S = 60.0
# A device command's final state comes from its agent; wait its ttl and a little more for the
# store's own expiry sweep to mark it.
DEVICE_GRACE_S = 5.0
DEVICE_POLL_S = 0.25
DEVICE_FINAL = ("done", "failed", "rejected", "expired")


def ping(args: dict) -> dict:
    try:
        software = version("smartcart")
    except PackageNotFoundError:
        software = "unknown"
    return {"store": settings.STORE_ID, "time": timezone.now().isoformat(), "version": software}


def fleet(args: dict) -> dict:
    return fleet_summary()


def erp_sync(args: dict) -> dict:
    """Sync the catalog (unless stock_only) and stock from the ERP, as `manage.py sync_erp`."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="erp-sync")
    future = pool.submit(run_erp_sync, full=args["full"], stock_only=args["stock_only"])
    pool.shutdown(wait=False)
    try:
        return future.result(timeout=ERP_SYNC_WAIT_S)
    except FutureTimeout:
        raise StoreCommandRefused(
            f"the ERP sync still runs after {ERP_SYNC_WAIT_S:.0f} s: it goes on, and the "
            "store's ERP sync status shows how it ends"
        ) from None


def run_erp_sync(*, full: bool, stock_only: bool) -> dict:
    # Services, not the Celery tasks: in eager mode a task would retry an ERP that is down for
    # minutes; here the connector's own short retries are all, and a failure is the answer.
    from onprem.integrations.erp.base import ErpError
    from onprem.integrations.erp.services import sync_catalog, sync_stock

    steps = [("stock", lambda: sync_stock(full=full))]
    if not stock_only:
        steps.insert(0, ("catalog", lambda: sync_catalog(full=full)))
    runs = {}
    try:
        for name, step in steps:
            try:
                run = step()
            except ErpError as exc:
                raise StoreCommandRefused(f"the {name} sync failed: {exc}", runs=runs) from None
            runs[name] = {
                "run": run.pk,
                "status": run.status,
                "created": run.created,
                "updated": run.updated,
                "unchanged": run.unchanged,
                "rejected": run.rejected_count,
            }
        return {"runs": runs}
    finally:
        close_old_connections()


def device_command(args: dict) -> dict:
    """Relay a cart or rack command through the store's own command service; wait for its end."""
    from onprem.commands import services

    try:
        command = services.request_command(
            kind=args["kind"],
            device_id=args["device_id"],
            command=args["command"],
            args=args["args"],
            requested_by=requested_by(),
            ttl_s=args["ttl_s"],
        )
    except services.CommandError as exc:
        raise StoreCommandRefused(str(exc)) from None
    deadline = time.monotonic() + args["ttl_s"] + DEVICE_GRACE_S
    while command.state not in DEVICE_FINAL and time.monotonic() < deadline:
        time.sleep(DEVICE_POLL_S)
        command = services.get_command(command.id)
    outcome = {
        "command": command.id,
        "state": command.state,
        "result": command.result,
    }
    if command.state in DEVICE_FINAL and command.state != "done":
        raise StoreCommandRefused(f"the {args['kind']} command ended {command.state}", **outcome)
    if command.state != "done":
        raise StoreCommandRefused(
            f"the {args['kind']} did not answer within {args['ttl_s']} s (the command is "
            f"{command.state})",
            **outcome,
        )
    return outcome


BUILTIN: dict[str, StoreCommandFn] = {
    "ping": ping,
    "fleet.summary": fleet,
    "erp.sync": erp_sync,
    "device.command": device_command,
}
