"""The ERP emulator as a real HTTP server, and a handle on its test controls."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT, free_port, wait_for_port

TOKEN = "test-erp-token"


class ErpControl:
    """What a test does to the ERP behind the connector's back (/emulator/v1/...)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10
        )

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.http.request(method, path, **kwargs)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.call("POST", "/emulator/v1/reset")

    def change_product(self, code: str, **changes) -> dict:
        return self.call("PATCH", f"/emulator/v1/products/{code}", json=changes)

    def set_stock(self, code: str, quantity: int) -> dict:
        return self.call("PUT", f"/emulator/v1/stock/{code}", json={"quantidade": quantity})

    def fail_next(
        self, count: int, *, status: int = 503, after_apply: bool = False, path: str = ""
    ) -> None:
        body = {"count": count, "status": status, "after_apply": after_apply, "path_contains": path}
        self.call("POST", "/emulator/v1/faults", json=body)

    def configure(self, **flags: bool) -> None:
        self.call("PUT", "/emulator/v1/settings", json=flags)

    def orders(self) -> list[dict]:
        return self.call("GET", "/emulator/v1/orders")["data"]


def start_emulator(*extra: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "smartcart.cli",
        "erp-emulator",
        "--port",
        str(port),
        "--token",
        TOKEN,
        *extra,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def erp_emulator() -> Iterator[str]:
    """`smartcart erp-emulator` on a free port, for the whole session (tests reset it)."""
    proc, url = start_emulator()
    yield url
    proc.terminate()
    proc.wait(10)


@pytest.fixture(autouse=True)
def retrying_eager_tasks() -> Iterator[None]:
    """Eager tasks that retry the way a worker would (minus the countdown).

    With eager propagation on (tests/onprem/conftest.py), Celery raises a task's Retry to the
    caller instead of running the retry; results are read with .get(), which still raises.
    """
    from onprem.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True


@pytest.fixture
def erp(erp_emulator, settings) -> Iterator[ErpControl]:
    """The connector pointed at a freshly reset emulator."""
    settings.ERP_URL, settings.ERP_TOKEN, settings.ERP_FIELD_MAP = erp_emulator, TOKEN, ""
    control = ErpControl(erp_emulator)
    control.reset()
    yield control
    control.http.close()


@pytest.fixture
def renamed_erp(settings, tmp_path: Path) -> Iterator[ErpControl]:
    """An ERP whose records name fields differently (`nome`, nested `preco.venda`)."""
    records = [
        {
            "codigo": f"R{n}",
            "nome": f"Produto {n}",
            "codigos_barras": ["5601234567892"] if n == 1 else [],
            "preco": {"venda": f"{n}.50"},
            "aliquota_iva": "23.00",
            "ativo": True,
            "quantidade": n,
        }
        for n in range(1, 4)
    ]
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(records))
    proc, url = start_emulator("--catalog", str(catalog))
    settings.ERP_URL, settings.ERP_TOKEN, settings.ERP_FIELD_MAP = url, TOKEN, ""
    yield ErpControl(url)
    proc.terminate()
    proc.wait(10)
