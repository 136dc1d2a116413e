"""Remote actions: how fast a log tail and a support bundle are, and how big their answers.

    SMARTCART_DEMO=1 .venv/bin/python bench/remote_actions.py [--log-gb 2] [--rounds 50]

In a throwaway var dir: each component of the demo table gets a log (one a sparse file of
--log-gb GB ending in real lines, the others 200,000 varied lines); times action.logs (1,000 lines)
and action.status over --rounds calls, and action.support_bundle over 5 builds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup(var: Path) -> None:
    os.environ.setdefault("SMARTCART_DEMO", "1")
    os.environ["SMARTCART_VAR_DIR"] = str(var)
    os.environ["DJANGO_SETTINGS_MODULE"] = "onprem.settings"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def log_lines(count: int) -> bytes:
    # Varied like a real log (times, counts, ids), so gzip gets realistic work, not one line.
    return b"".join(
        b"2026-11-23 22:%02d:%02d,%03d INFO onprem.fleet.ingest flushed batch of %d in %.1f ms "
        b"lag %d ms device cart-%03d seq %d %s\n"
        % (
            n // 60 % 60,
            n % 60,
            n % 1000,
            1 + n % 500,
            (n * 7 % 900) / 10,
            n * 13 % 97,
            n % 240,
            n,
            os.urandom(6).hex().encode(),
        )
        for n in range(count)
    )


def write_logs(var: Path, gigabytes: float) -> None:
    logs = var / "logs"
    for name in ("onprem", "uplink", "broker", "simulator"):
        (logs / f"{name}.log").write_bytes(log_lines(200_000))
    with (logs / "ingest.log").open("wb") as out:
        out.truncate(int(gigabytes * 2**30))
        out.seek(0, 2)
        out.write(log_lines(20_000))


def timed(call, rounds: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(rounds):
        started = time.perf_counter()
        result = call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--log-gb", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp)
        (var / "logs").mkdir()
        setup(var)
        write_logs(var, args.log_gb)
        from onprem.uplink.actions import ACTIONS

        tail_ms, tail = timed(
            lambda: ACTIONS["action.logs"]({"component": "ingest", "lines": 1000}), args.rounds
        )
        status_ms, _ = timed(lambda: ACTIONS["action.status"]({}), args.rounds)
        bundle_ms, bundle = timed(lambda: ACTIONS["action.support_bundle"]({}), 5)
        print(
            f"log tail of a {tail['file_size'] / 2**30:.1f} GB file, 1000 lines: median {tail_ms:.2f} ms, "
            f"answer {len(json.dumps(tail)) / 1024:.0f} KiB"
        )
        print(
            f"status of {len(ACTIONS['action.status']({})['components'])} components: median {status_ms:.1f} ms"
        )
        print(
            f"support bundle (5 logs, their last 5,000 lines each): median {bundle_ms:.0f} ms, {bundle['size'] / 2**20:.2f} MiB"
        )
        print(
            f"tail_ms={tail_ms:.2f} tail_kib={len(json.dumps(tail)) / 1024:.0f} status_ms={status_ms:.1f} "
            f"bundle_ms={bundle_ms:.0f} bundle_mib={bundle['size'] / 2**20:.2f}"
        )


if __name__ == "__main__":
    main()
