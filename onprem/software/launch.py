"""`python -m onprem.software.launch <python args>`: run Python with the store's current
on-prem release first on its path (onprem/software/layout.py), e.g.

    python -m onprem.software.launch manage.py uplink
    python -m onprem.software.launch -m daphne -p 8000 onprem.asgi:application

It reads `current` each time it starts and then becomes that process (exec: same pid, so
pidfiles and supervisors see no difference), so a restarted component runs the release the
updater switched to. No Django, and nothing of the release is imported here.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from onprem.software.layout import RELEASE_LIB_VAR, current_env


def main(argv: list[str]) -> None:
    if not argv:
        sys.exit("usage: python -m onprem.software.launch <python arguments>")
    env = current_env(os.environ)
    lib = env.get(RELEASE_LIB_VAR)
    if lib:
        # In the release's own directory: a program that puts "." on sys.path (daphne does)
        # must not find the checkout's code there. A script named relative to here stays found.
        argv = [
            str(Path(a).resolve()) if i == 0 and Path(a).is_file() else a
            for i, a in enumerate(argv)
        ]
        os.chdir(Path(lib).parent)
    os.execve(sys.executable, [sys.executable, *argv], env)


if __name__ == "__main__":
    main(sys.argv[1:])
