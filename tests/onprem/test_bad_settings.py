"""A bad SMARTCART_* value stops a tier at start with a sentence naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("tier", "variable", "value", "sentence"),
    [
        ("onprem", "SMARTCART_DB_URL", "postgres://db/x", "SMARTCART_DB_URL='postgres://db/x' must start with mysql://"),
        ("onprem", "SMARTCART_DB_URL", "mysql://127.0.0.1:3306/", "names no database"),
        ("onprem", "SMARTCART_MQTT_URL", "mqtt://broker:port", "has a port that is not a number"),
        ("onprem", "SMARTCART_MQTT_URL", "mqtt://broker?protocol=4", "must be 3 (MQTT 3.1.1) or 5"),
        ("onprem", "SMARTCART_REDIS_URL", "http://cache", "must start with redis:// or rediss://"),
        ("onprem", "SMARTCART_INGEST_BATCH", "lots", "SMARTCART_INGEST_BATCH='lots' is not a whole number"),
        ("onprem", "SMARTCART_DEBUG", "maybe", "is not a boolean"),
        ("cloud", "SMARTCART_STORE_OFFLINE_AFTER", "1", "must be at least 5"),
    ],
)
def test_it_refuses_to_start_with_a_bad_value(tier, variable, value, sentence):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_SETTINGS"))}
    env.update({"SMARTCART_TIER": tier, variable: value})

    done = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)

    assert done.returncode != 0
    assert sentence in done.stderr
    assert "Traceback" not in done.stderr
