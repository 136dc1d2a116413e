"""The component table: SMARTCART_COMPONENTS (TOML) or the demo's; a bad table stops the tier."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from onprem.uplink.components import Component, load_components
from smartcart.envconf import ConfigError
from tests.conftest import ROOT

EXAMPLE = ROOT / "deploy" / "onprem" / "components.toml"


def load(tmp_path, text: str) -> dict[str, Component]:
    path = tmp_path / "components.toml"
    path.write_text(text)
    return load_components(str(path), log_dir=tmp_path / "logs", run_dir=tmp_path / "run")


def test_it_defaults_to_the_demos_children(tmp_path):
    table = load_components("", log_dir=tmp_path / "logs", run_dir=tmp_path / "run")

    assert list(table) == ["onprem", "ingest", "uplink", "broker", "simulator"]
    assert table["ingest"].pidfile == tmp_path / "run" / "ingest.pid"
    assert table["ingest"].log == tmp_path / "logs" / "ingest.log"
    assert table["ingest"].restart == "signal"
    assert table["uplink"].restart is None


def test_it_reads_the_deploy_example(tmp_path):
    table = load_components(str(EXAMPLE), log_dir=tmp_path, run_dir=tmp_path)

    assert "uplink" in table and table["uplink"].restart is None
    assert table["ingest"].restart == (
        "/usr/bin/sudo",
        "-n",
        "/usr/bin/systemctl",
        "restart",
        "smartcart-ingest",
    )
    assert table["ingest"].pid_command[0] == "/usr/bin/systemctl"


def test_it_fills_in_the_log_path_from_the_log_dir(tmp_path):
    table = load(
        tmp_path, '[worker]\nrestart = ["/usr/bin/systemctl", "restart", "smartcart-worker"]\n'
    )

    assert table["worker"].log == tmp_path / "logs" / "worker.log"
    assert table["worker"].restart_kind == "command"


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("[ingest\n", "is not valid TOML"),
        ("", "names no component"),
        ('["ingest; rm"]\nlog = "x"\n', "component name 'ingest; rm' must be 1-40 of a-z 0-9 -"),
        ("ingest = 3\n", "[ingest] must be a table, not int"),
        ('[ingest]\nshell = "yes"\n', "[ingest] has unknown key(s) shell"),
        (
            '[ingest]\nrestart = "systemctl restart smartcart-ingest"\n',
            "an argv, never a shell line",
        ),
        ('[ingest]\nrestart = ["systemctl", "restart", "x"]\n', "must start with an absolute path"),
        ('[ingest]\nrestart = "signal"\n', 'restart = "signal" needs a pidfile or pid_command'),
        (
            '[ingest]\npidfile = "/a"\npid_command = ["/bin/x"]\n',
            "sets both pidfile and pid_command",
        ),
        ('[uplink]\npidfile = "/a"\nrestart = "signal"\n', "[uplink] cannot have restart"),
        ("[ingest]\nlog = 5\n", "[ingest] log must be a string, not int"),
    ],
)
def test_it_refuses_a_table_it_cannot_use_with_a_sentence(tmp_path, text, sentence):
    with pytest.raises(ConfigError) as refused:
        load(tmp_path, text)

    assert str(refused.value).startswith("SMARTCART_COMPONENTS=")
    assert sentence in str(refused.value)


def test_it_stops_the_tier_at_start_on_a_bad_table(tmp_path):
    (tmp_path / "components.toml").write_text('[uplink]\npidfile = "/a"\nrestart = "signal"\n')
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SMARTCART_", "DJANGO_SETTINGS"))
    }
    env.update(
        {
            "SMARTCART_DEMO": "1",
            "SMARTCART_VAR_DIR": str(tmp_path),
            "SMARTCART_COMPONENTS": str(tmp_path / "components.toml"),
        }
    )

    done = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode != 0
    assert "[uplink] cannot have restart: the uplink carries the command" in done.stderr
    assert "Traceback" not in done.stderr


def test_it_says_when_the_table_file_is_missing(tmp_path):
    with pytest.raises(
        ConfigError, match=r"SMARTCART_COMPONENTS='/nope.toml' cannot be read: No such file"
    ):
        load_components("/nope.toml", log_dir=tmp_path, run_dir=tmp_path)
