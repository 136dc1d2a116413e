"""A `smartcart demo` for the shopper e2e tests: small (one rack, six carts), on free ports."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from tests.e2e.demo_run import eventually, start_demo, stop_demo

ERP_TOKEN = "emulator-token"  # the ERP emulator's default API token (the demo sets none)
__all__ = ["ERP_TOKEN", "eventually", "running_demo"]


@contextmanager
def running_demo(var: Path, *, shoppers: int):
    """Start a small demo, yield demo.json plus the emulators' URLs; stop it and its children."""
    proc, info = start_demo(var, "--racks", "1", "--carts", "6", "--shoppers", str(shoppers))
    try:
        yield info
    finally:
        stop_demo(proc)
