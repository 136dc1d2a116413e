"""Where the store's on-prem releases live and which one runs (no Django: the launcher reads
this before any settings load, and settings.py reads it too).

    <releases>/                 SMARTCART_RELEASES_DIR, default <SMARTCART_VAR_DIR>/onprem-releases
      <version>/lib/            the release's wheel, `pip install --no-deps --target`
      current                   the running release's version, one line; absent: the base install
      update.json               the updater's journal: the update under way, or the last one
      reported.json             how much of update.json the cloud has acked
      downloads/  backups/      the artifacts, and the database backup of each update
      history/                  the journals of earlier updates

A release dir holds only this project's code: its dependencies come from the base install (the
venv or the image). A release that needs new dependencies ships as a new image instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# The base install's checkout (or site-packages): its var/ is the tiers' default VAR_DIR.
BASE_ROOT = Path(__file__).resolve().parents[2]
CURRENT = "current"
# Set in every process that runs a release, so a later switch back to the base drops exactly
# what we added (an operator's own PYTHONPATH entries stay).
RELEASE_LIB_VAR = "SMARTCART_RELEASE_LIB"


def var_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("SMARTCART_VAR_DIR") or BASE_ROOT / "var").resolve()


def releases_dir(env: Mapping[str, str] = os.environ) -> Path:
    return Path(env.get("SMARTCART_RELEASES_DIR") or var_dir(env) / "onprem-releases")


def release_lib(releases: Path, version: str) -> Path:
    return releases / version / "lib"


def current_version(releases: Path) -> str | None:
    """The release `current` names, if its lib is installed; None: the base install runs."""
    try:
        version = (releases / CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    if not version or not release_lib(releases, version).is_dir():
        return None
    return version


def set_current(releases: Path, version: str | None) -> None:
    """Point `current` at `version` (None: back to the base install), atomically."""
    pointer = releases / CURRENT
    if version is None:
        pointer.unlink(missing_ok=True)
        return
    releases.mkdir(parents=True, exist_ok=True)
    staged = releases / f".{CURRENT}.tmp"
    staged.write_text(f"{version}\n")
    os.replace(staged, pointer)


def release_env(env: Mapping[str, str], lib: Path | None) -> dict[str, str]:
    """`env` for a process that runs the release at `lib` (None: the base install).

    PYTHONPATH puts the release before site-packages; PYTHONSAFEPATH keeps the script's
    directory (`python manage.py` from the checkout) and the cwd (`python -m`) off sys.path, so
    the checkout's copy of the code cannot win over the release's.
    """
    out = dict(env)
    ours = out.pop(RELEASE_LIB_VAR, None)
    paths = [p for p in out.get("PYTHONPATH", "").split(os.pathsep) if p and p != ours]
    if lib is None:
        if ours:
            out.pop("PYTHONSAFEPATH", None)
    else:
        paths.insert(0, str(lib))
        out[RELEASE_LIB_VAR] = str(lib)
        out["PYTHONSAFEPATH"] = "1"
    if paths:
        out["PYTHONPATH"] = os.pathsep.join(paths)
    else:
        out.pop("PYTHONPATH", None)
    return out


def current_env(env: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`env` for a process that runs whatever `current` names, with the base install's VAR_DIR
    pinned (a release's own default would be inside its lib)."""
    env = {**env, "SMARTCART_VAR_DIR": str(var_dir(env))}
    releases = releases_dir(env)
    version = current_version(releases)
    return release_env(env, release_lib(releases, version) if version else None)
