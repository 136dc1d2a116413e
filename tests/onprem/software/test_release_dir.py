"""A release is a wheel of this project installed into its own directory; the launcher runs
whatever `current` names (its version is what the process reports) and the base install
again once `current` is gone. A --broken build fails its own health check."""

from __future__ import annotations

import os
import subprocess
import sys

from onprem.software.install import install
from onprem.software.layout import current_version, release_env, set_current
from smartcart.release.onprem_wheel import build_onprem_wheel
from smartcart.software import running_version
from tests.conftest import ROOT

SHOW = (
    "from smartcart.software import running_version; from onprem.core.health import CHECKS;"
    "import onprem; print(running_version(), sorted(CHECKS)[-1], onprem.__file__)"
)


def launched(releases) -> list[str]:
    env = {**os.environ, "SMARTCART_RELEASES_DIR": str(releases)}
    done = subprocess.run(
        [sys.executable, "-m", "onprem.software.launch", "-c", SHOW],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.split()


def test_the_launcher_runs_the_current_release_and_the_base_without_one(releases):
    build_onprem_wheel(version="7.7.7", out=releases / "downloads", broken=True)
    lib = install(releases, "7.7.7")

    set_current(releases, "7.7.7")
    version, last_check, code = launched(releases)
    assert current_version(releases) == "7.7.7"
    assert (version, last_check) == ("7.7.7", "selftest")
    assert code.startswith(str(lib))

    set_current(releases, None)
    version, last_check, code = launched(releases)
    assert version == running_version()
    assert last_check != "selftest"
    assert code.startswith(str(ROOT))


def test_switching_back_drops_only_the_release_from_the_path(tmp_path):
    env = release_env({"PYTHONPATH": "/opt/site-extra"}, tmp_path / "7.7.7" / "lib")
    assert env["PYTHONPATH"].split(os.pathsep) == [
        str(tmp_path / "7.7.7" / "lib"),
        "/opt/site-extra",
    ]
    assert env["PYTHONSAFEPATH"] == "1"

    back = release_env(env, None)
    assert back["PYTHONPATH"] == "/opt/site-extra"
    assert "PYTHONSAFEPATH" not in back


def test_an_ended_update_keeps_the_running_release_and_the_one_before(releases):
    from onprem.software.install import prune, wheel_name

    for version in ("0.1.1", "0.1.2", "0.1.3"):
        (releases / version / "lib").mkdir(parents=True)
        (releases / "downloads").mkdir(exist_ok=True)
        (releases / "downloads" / wheel_name(version)).write_bytes(b"w")
    (releases / "backups").mkdir()
    for n in range(5):
        backup = releases / "backups" / f"{n}-0.1.0.db"
        backup.write_bytes(b"db")
        os.utime(backup, (1000 + n, 1000 + n))

    prune(releases, keep={"0.1.2", "0.1.3"})

    assert sorted(p.name for p in releases.iterdir() if (p / "lib").is_dir()) == ["0.1.2", "0.1.3"]
    assert sorted(p.name for p in (releases / "downloads").iterdir()) == [
        wheel_name("0.1.2"),
        wheel_name("0.1.3"),
    ]
    assert sorted(p.name for p in (releases / "backups").iterdir()) == [
        "2-0.1.0.db",
        "3-0.1.0.db",
        "4-0.1.0.db",
    ]
