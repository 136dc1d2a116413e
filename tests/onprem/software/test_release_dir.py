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
    done = subprocess.run([sys.executable, "-m", "onprem.software.launch", "-c", SHOW], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
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
    assert env["PYTHONPATH"].split(os.pathsep) == [str(tmp_path / "7.7.7" / "lib"), "/opt/site-extra"]
    assert env["PYTHONSAFEPATH"] == "1"

    back = release_env(env, None)
    assert back["PYTHONPATH"] == "/opt/site-extra"
    assert "PYTHONSAFEPATH" not in back
