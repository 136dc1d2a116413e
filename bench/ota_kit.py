"""What the OTA benchmarks share: the child processes (with their logs and RSS), and a counting
HTTP proxy in front of the cloud, so the bytes a store fetches over its WAN link are counted on
the cloud's side."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
ARTIFACT = re.compile(r"/api/v1/releases/\d+/artifact/")
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host"}  # fmt: skip
CHUNK = 256 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"bench: nothing listens on port {port} after {timeout:.0f} s")


class CountingProxy:
    """Forwards HTTP to `target` and counts the body bytes of every artifact answer."""

    def __init__(self, target: str, *, cut_at: int = 0) -> None:
        self.target = urlsplit(target)
        self.bytes: dict[str, int] = {}
        # cut_at > 0: the first artifact answer is cut after that many bytes (a WAN drop), so
        # the store has to resume with Range; `cuts` counts the cuts made.
        self.cut_at, self.cuts = cut_at, 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> None:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()

    def count(self, path: str, n: int) -> None:
        with self.lock:
            self.bytes[path] = self.bytes.get(path, 0) + n

    def cut_here(self, path: str, sent: int) -> bool:
        with self.lock:
            if self.cut_at and not self.cuts and ARTIFACT.match(path) and sent >= self.cut_at:
                self.cuts += 1
                return True
            return False

    def artifact_bytes(self) -> int:
        with self.lock:
            return sum(n for path, n in self.bytes.items() if ARTIFACT.match(path))

    def _handler(self):
        proxy = self

        class Forward(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                upstream = http.client.HTTPConnection(
                    proxy.target.hostname, proxy.target.port, timeout=60
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                upstream.request("GET", self.path, headers=headers)
                answer = upstream.getresponse()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Connection", "close")
                self.end_headers()
                path = self.path.split("?")[0]
                sent = 0
                while chunk := answer.read(CHUNK):
                    if proxy.cut_here(path, sent):
                        break  # the connection drops mid-body
                    self.wfile.write(chunk)
                    proxy.count(path, len(chunk))
                    sent += len(chunk)
                upstream.close()
                self.close_connection = True

            def log_message(self, fmt: str, *args) -> None:
                pass

        return Forward


class Processes:
    """Children with their logs in `logs`; the tier's ones (tier=True) are the RSS measured."""

    def __init__(self, logs: Path, label: str = "on-prem tier") -> None:
        self.logs, self.label = logs, label
        logs.mkdir(parents=True, exist_ok=True)
        self.procs: dict[str, subprocess.Popen] = {}
        self.tier: list[str] = []
        self.peak: dict[str, int] = {}
        self.peak_total = 0

    def start(self, name: str, argv: list[str], env: dict, *, tier: bool = False) -> None:
        with (self.logs / f"{name}.log").open("ab") as out:
            self.procs[name] = subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        if tier:
            self.tier.append(name)

    def rss(self, name: str) -> int:
        try:
            proc = psutil.Process(self.procs[name].pid)
            return proc.memory_info().rss + sum(
                c.memory_info().rss for c in proc.children(recursive=True)
            )
        except psutil.Error:
            return 0

    def sample_rss(self, every: float = 0.5) -> threading.Event:
        """Sample every child's RSS until the returned event is set."""
        done = threading.Event()

        def sample() -> None:
            while not done.wait(every):
                now = {name: self.rss(name) for name in self.procs}
                for name, rss in now.items():
                    self.peak[name] = max(self.peak.get(name, 0), rss)
                self.peak_total = max(self.peak_total, sum(now[n] for n in self.tier))

        threading.Thread(target=sample, daemon=True).start()
        return done

    def rss_summary(self) -> str:
        mib = lambda n: f"{n / 2**20:.0f} MB"  # noqa: E731
        parts = ", ".join(f"{name} {mib(self.peak.get(name, 0))}" for name in self.procs)
        return f"peak RSS: {self.label} ({' + '.join(self.tier)}) {mib(self.peak_total)}; each: {parts}"

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                print(f"bench: {name} did not stop in 30 s; killing it", flush=True)
                proc.kill()
