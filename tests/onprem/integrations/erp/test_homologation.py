from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import ROOT

from .conftest import TOKEN


def test_it_passes_homologation_against_the_emulator(erp, tmp_path):
    env = {
        **os.environ,
        "SMARTCART_ERP_URL": erp.url,
        "SMARTCART_ERP_TOKEN": TOKEN,
        "SMARTCART_TIER": "onprem",
        "SMARTCART_VAR_DIR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "homologate", "erp"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads((tmp_path / "homologation" / "homologation-erp.json").read_text())
    assert report["passed"] and len(report["steps"]) == 11
    assert "PASSED" in (tmp_path / "homologation" / "homologation-erp.md").read_text()


def test_it_fails_homologation_when_the_erp_cannot_invoice(erp, tmp_path):
    erp.fail_next(20, status=500, path="/invoice")
    with pytest.raises(CommandError, match="1 of 11 steps failed"):
        call_command("homologate", "erp", out=str(tmp_path))
    steps = json.loads((tmp_path / "homologation-erp.json").read_text())["steps"]
    assert [s["name"] for s in steps if not s["passed"]] == ["invoice: fetch for the order"]
    assert "HTTP 500" in steps[-1]["error"]
