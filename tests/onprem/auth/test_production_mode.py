"""Production mode (DEBUG off, no SMARTCART_DEMO): real secrets and hosts, or no start at all;
with them, `manage.py check --deploy` has nothing to say on either tier."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

REAL_KEY = "k3y-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"


def manage(tier: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_SETTINGS"))
    }
    base.update({"SMARTCART_TIER": tier, **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("tier", ["onprem", "cloud"])
def test_it_refuses_to_start_on_the_built_in_key_outside_the_demo(tier):
    done = manage(tier, "check", SMARTCART_ALLOWED_HOSTS="store.example")

    assert done.returncode != 0
    assert (
        "SMARTCART_SECRET_KEY is unset and the built-in development key is not for production"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("tier", "hosts"), [("onprem", ""), ("cloud", "*"), ("onprem", "a.example,*")]
)
def test_it_refuses_to_start_without_named_hosts_outside_the_demo(tier, hosts):
    done = manage(tier, "check", SMARTCART_SECRET_KEY=REAL_KEY, SMARTCART_ALLOWED_HOSTS=hosts)

    assert done.returncode != 0
    assert (
        "must name this server's host names (comma-separated, no `*`) in production" in done.stderr
    )


@pytest.mark.parametrize("tier", ["onprem", "cloud"])
def test_the_demo_starts_on_built_in_defaults(tier):
    assert manage(tier, "check", SMARTCART_DEMO="1").returncode == 0


@pytest.mark.parametrize("tier", ["onprem", "cloud"])
def test_check_deploy_is_clean_in_production_mode(tier):
    done = manage(
        tier,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SMARTCART_SECRET_KEY=REAL_KEY,
        SMARTCART_ALLOWED_HOSTS="smartcart.example",
    )

    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
