"""Faults on purpose: a private Mosquitto and a private MariaDB that a test may SIGKILL and
restart (never the machine's own services, which other runs share), real agents and real
ingest processes around them, and the counting that says whether anything was lost.

Each scenario prints one `FAULTS ...` line with its figures (docs/benchmarks.md, "Faults").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT, free_port, wait_for_port


def wait(check, timeout: float, what: str, every: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:g} s"
        time.sleep(every)


def private_folder(prefix: str) -> Path:
    # Mosquitto and mariadbd drop root for their own users; pytest's tmp_path sits under a
    # directory only root may enter, so their files live in a folder anyone may reach.
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    folder.chmod(0o777)
    return folder


class Mosquitto:
    """A private Mosquitto with the durability lines of deploy/mosquitto/mosquitto.conf, on a
    port of its own, so it can be SIGKILLed and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = private_folder("smartcart-faults-mosquitto-")
        self.conf = self.folder / "mosquitto.conf"
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\n"
            f"persistence true\npersistence_location {self.folder}/\nautosave_interval 30\n"
            "max_queued_messages 200000\nmax_inflight_messages 0\n"
        )
        self.proc: subprocess.Popen | None = None
        self.kills = 0

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.folder / "mosquitto.log").open("a")
        self.proc = subprocess.Popen(
            ["mosquitto", "-c", str(self.conf), "-v"], stdout=log, stderr=log
        )
        wait_for_port(self.port, timeout=15)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        self.kills += 1

    def redelivered_to(self, client_part: str) -> int:
        """QoS 1 messages sent again (DUP) to clients whose id contains `client_part`: what a
        killed subscriber had received and not acknowledged."""
        pattern = re.compile(rf"Sending PUBLISH to \S*{re.escape(client_part)}\S* \(d1,")
        return sum(1 for line in self.log_lines() if pattern.search(line))

    def acked_without_subscriber(self) -> int:
        """PUBLISHes the broker acknowledged with reason 16, "no matching subscribers"."""
        return sum(
            1
            for line in self.log_lines()
            if line.startswith("Sending PUBACK", 12) and "rc16)" in line
        )

    def log_lines(self):
        with (self.folder / "mosquitto.log").open(errors="replace") as log:
            yield from log

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


class MariaDB:
    """A private mariadbd with its own data directory and port (root, no password)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.folder = private_folder("smartcart-faults-mariadb-")
        self.datadir = self.folder / "data"
        self.proc: subprocess.Popen | None = None
        self.kills = self.restarts = 0

    def url(self, database: str) -> str:
        return f"mysql://root@127.0.0.1:{self.port}/{database}"

    def install(self) -> None:
        subprocess.run(
            [
                "mariadb-install-db",
                "--no-defaults",
                f"--datadir={self.datadir}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        log = (self.folder / "mariadbd.log").open("a")
        self.proc = subprocess.Popen(
            [
                "mariadbd",
                "--no-defaults",
                "--user=root",
                f"--datadir={self.datadir}",
                f"--port={self.port}",
                f"--socket={self.folder}/mariadbd.sock",
                "--bind-address=127.0.0.1",
                f"--pid-file={self.folder}/mariadbd.pid",
                "--innodb-buffer-pool-size=64M",
                "--skip-log-bin",
            ],
            stdout=log,
            stderr=log,
        )
        wait(self.answers, 60, "the private mariadbd answering", every=0.1)

    def answers(self) -> bool:
        assert self.proc.poll() is None, (
            f"mariadbd exited: {(self.folder / 'mariadbd.log').read_text()[-2000:]}"
        )
        try:
            self.connect().close()
            return True
        except Exception:  # MySQLdb.OperationalError while it starts; nothing else to learn
            return False

    def connect(self, database: str | None = None):
        import MySQLdb

        return MySQLdb.connect(
            host="127.0.0.1", port=self.port, user="root", db=database or "", autocommit=True
        )

    def query(self, database: str, sql: str) -> list[tuple]:
        conn = self.connect(database)
        try:
            cursor = conn.cursor()
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            conn.close()

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self.kills += 1

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(60)
        self.restarts += 1

    def close(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def broker(tmp_path):
    mosquitto = Mosquitto()
    mosquitto.start()
    yield mosquitto
    shutil.copy(
        mosquitto.folder / "mosquitto.log", tmp_path / "mosquitto.log"
    )  # kept for a failure's story
    mosquitto.close()


@pytest.fixture
def mariadb(tmp_path):
    if not shutil.which("mariadbd") or not shutil.which("mariadb-install-db"):
        pytest.skip("needs mariadbd and mariadb-install-db to start a private MariaDB it may kill")
    pytest.importorskip("MySQLdb", reason="needs mysqlclient (the mysql extra) to talk to MariaDB")
    server = MariaDB()
    try:
        server.install()
        server.start()
        yield server
    finally:
        if (server.folder / "mariadbd.log").exists():
            shutil.copy(server.folder / "mariadbd.log", tmp_path / "mariadbd.log")
        server.close()


class Crew:
    """The processes a scenario starts, each logging to its own file; what still runs at the
    end is killed. Restarts of the same name append to the same log."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.env = folder, dict(os.environ)
        self.procs: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str], **extra_env: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("a")
        proc = subprocess.Popen(
            argv, cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT
        )
        self.procs.append(proc)
        return proc

    def ingest(self, name: str, *, shared: bool = False, **extra_env: str) -> subprocess.Popen:
        argv = [sys.executable, "manage.py", "ingest", "--name", name] + (
            ["--shared"] if shared else []
        )
        return self.start(name, argv, **extra_env)

    def simulate(self, *, store: str, mqtt: str, carts: int, interval: float) -> subprocess.Popen:
        return self.start(
            "simulator",
            [
                sys.executable,
                "-m",
                "smartcart.cli",
                "simulate",
                "--store",
                store,
                "--racks",
                "1",
                "--carts",
                str(carts),
                "--interval",
                str(interval),
                "--mqtt",
                mqtt,
                "--outbox-dir",
                str(self.outbox_dir),
            ],
        )

    @property
    def outbox_dir(self) -> Path:
        return self.folder / "outboxes"

    def log(self, name: str, tail: int | None = 3000) -> str:
        path = self.folder / f"{name}.log"
        text = path.read_text() if path.exists() else ""
        return text[-tail:] if tail else text

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)


@pytest.fixture
def crew(tmp_path):
    processes = Crew(tmp_path)
    yield processes
    processes.close()


def onprem_env(*, db_url: str, mqtt_url: str, store: str) -> dict:
    return {
        **os.environ,
        "SMARTCART_DB_URL": db_url,
        "SMARTCART_MQTT_URL": mqtt_url,
        "SMARTCART_STORE_ID": store,
        "SMARTCART_TIER": "onprem",
        "PYTHONUNBUFFERED": "1",
    }


def outbox_counts(folder: Path) -> tuple[int, int]:
    """(rows ever appended, rows still waiting) over every outbox in `folder`."""
    appended = waiting = 0
    for path in folder.glob("*.outbox.sqlite3"):
        db = sqlite3.connect(path, timeout=5)
        try:
            seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'").fetchone()
            appended += seq[0] if seq else 0
            # Delivered rows stay a minute for a replay after a reconnect: not waiting.
            waiting += db.execute(
                "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            pass  # the agent is still creating it
        finally:
            db.close()
    return appended, waiting


def outbox_readings(path: Path, *, waiting_only: bool = False) -> list[tuple[str, str, int]]:
    """(device, boot_id, seq) of the telemetry in one outbox: all of it (delivered rows stay a
    minute for a replay), or only what still waits for delivery."""
    db = sqlite3.connect(path, timeout=5)
    waiting = " AND delivered_at IS NULL" if waiting_only else ""
    try:
        rows = db.execute(
            f"SELECT payload FROM outbox WHERE topic LIKE '%/telemetry'{waiting} ORDER BY id"
        ).fetchall()
    finally:
        db.close()
    return [
        (m["device"], m["boot_id"], m["seq"]) for m in (json.loads(payload) for (payload,) in rows)
    ]


def produced_by_agents(log: str) -> tuple[dict[tuple[str, str], int], int]:
    """From agents' logs (one boot per device: no reboot commands are sent):
    ({(device, boot_id): telemetry produced}, readings left in outboxes at the clean stop)."""
    boots = dict(re.findall(r"(?:cart|rack) (\S+) starting: boot ([0-9a-f]+)", log))
    stops = re.findall(
        r"(?:cart|rack) (\S+) stopped: produced (\d+) telemetry messages, (\d+) left", log
    )
    return {(device, boots[device]): int(n) for device, n, _ in stops}, sum(
        int(left) for *_, left in stops
    )


@dataclass
class Count:
    """What was produced against what was stored, per (device, boot): a boot that produced n
    readings sent seq 0..n-1, so every one of those is expected exactly once."""

    produced: dict[tuple[str, str], int]
    stored: list[tuple[str, str, int]]
    missing: list[tuple[str, str, int]] = field(init=False)
    unexpected: list[tuple[str, str, int]] = field(init=False)
    duplicates: int = field(init=False)

    def __post_init__(self) -> None:
        expected = {(d, b, s) for (d, b), n in self.produced.items() for s in range(n)}
        seen = Counter(self.stored)
        self.duplicates = sum(n - 1 for n in seen.values())
        self.missing = sorted(expected - set(seen))
        self.unexpected = sorted(set(seen) - expected)

    @property
    def total_produced(self) -> int:
        return sum(self.produced.values())

    def figures(self, scenario: str, **more) -> str:
        extra = " ".join(f"{k}={v}" for k, v in more.items())
        return (
            f"FAULTS {scenario}: produced={self.total_produced} stored={len(self.stored)} "
            f"duplicates={self.duplicates} missing={len(self.missing)} unexpected={len(self.unexpected)} {extra}"
        )

    def assert_at_most_lost(self, limit: int, why: str) -> None:
        """No duplicates and nothing invented, and at most `limit` readings missing for `why`."""
        if len(self.missing) > limit:
            pytest.fail(
                f"{len(self.missing)} of {self.total_produced} readings produced were never stored "
                f"(at most {limit} may be, {why}): {runs(self.missing)}"
            )
        if self.unexpected:
            pytest.fail(
                f"{len(self.unexpected)} stored readings nobody produced: {runs(self.unexpected)}"
            )
        assert self.duplicates == 0
        assert len(self.stored) == self.total_produced - len(self.missing)

    def assert_exactly_once(self) -> None:
        if self.missing:
            pytest.fail(
                f"{len(self.missing)} of {self.total_produced} readings produced were never stored: "
                f"{runs(self.missing)}"
            )
        if self.unexpected:
            pytest.fail(
                f"{len(self.unexpected)} stored readings nobody produced: {runs(self.unexpected)}"
            )
        assert self.duplicates == 0
        assert len(self.stored) == self.total_produced


def runs(readings: list[tuple[str, str, int]]) -> str:
    """Readings as seq ranges per device and boot: `cart-001/436d2b70 83-88, 120`."""
    by_boot: dict[tuple[str, str], list[int]] = {}
    for device, boot, seq in sorted(readings):
        by_boot.setdefault((device, boot), []).append(seq)
    parts = []
    for (device, boot), seqs in by_boot.items():
        spans, start = [], seqs[0]
        for prev, cur in zip(seqs, [*seqs[1:], None], strict=True):
            if cur != prev + 1:
                spans.append(f"{start}-{prev}" if prev != start else str(start))
                start = cur
        parts.append(f"{device}/{boot[:8]} {', '.join(spans)}")
    return "; ".join(parts)


def stored_readings_orm() -> list[tuple[str, str, int]]:
    from onprem.fleet.models import CartReading, RackReading

    return [
        tuple(row)
        for model in (CartReading, RackReading)
        for row in model.objects.values_list("device_id", "boot_id", "seq")
    ]


def settle(
    count_stored, expected: int, *, quiet_seconds: float = 10.0, timeout: float = 60.0
) -> int:
    """Wait until `expected` rows are stored, or until nothing new arrived for `quiet_seconds`
    (then the count stays short and the assertion names what is missing)."""
    deadline = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        now = count_stored()
        if now >= expected:
            return now
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since > quiet_seconds:
            return now
        time.sleep(0.5)
    return count_stored()


def assert_still_running(procs: dict[str, subprocess.Popen], crew: Crew) -> None:
    """No crash loop: every long-running process the scenario did not kill is still up."""
    for name, proc in procs.items():
        assert proc.poll() is None, (
            f"{name} exited on its own with {proc.returncode}:\n{crew.log(name)}"
        )
