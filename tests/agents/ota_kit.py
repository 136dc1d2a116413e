"""What the OTA tests share: signed releases made with the real release tooling, and a small
real HTTP server that serves artifacts with Range as the store does (and can cut a download
midway, or trickle it, to test resuming)."""

from __future__ import annotations

import io
import json
import re
import tarfile
import threading
import time
import uuid
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from smartcart.protocol import Command
from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate


class ReleaseKit:
    """A signing key of its own and releases signed with it, under `root`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.private, self.public, self.key_id = generate(root / "keys")

    def release(
        self,
        version: str,
        *,
        hardware: str = "cart-v1",
        broken: bool = False,
        payload_bytes: int = 0,
        healthcheck: str | None = None,
        created: datetime | None = None,
    ) -> tuple[dict, Path]:
        """(signed manifest dict, artifact path) of a sample image; `healthcheck` replaces the
        image's own script (e.g. one that sleeps, to widen a window)."""
        image = self.root / "images" / f"{hardware}-{version}-{uuid.uuid4().hex[:6]}.tar.gz"
        if healthcheck is None:
            sample_image(version=version, out=image, broken=broken, payload_bytes=payload_bytes)
        else:
            custom_image(
                image, version=version, healthcheck=healthcheck, payload_bytes=payload_bytes
            )
        return self.sign(image, version=version, hardware=hardware, created=created)

    def sign(
        self,
        image: Path,
        *,
        version: str,
        hardware: str = "cart-v1",
        created: datetime | None = None,
    ) -> tuple[dict, Path]:
        """Any image, signed as `version` (whatever it holds)."""
        out = self.root / "dist" / image.stem
        manifest, artifact = build_release(
            image=image,
            version=version,
            hardware=hardware,
            channel="stable",
            expires_days=30,
            key=self.private,
            out=out,
            now=created,
        )
        return json.loads(manifest.read_text()), artifact


def custom_image(out: Path, *, version: str, healthcheck: str, payload_bytes: int = 0) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out, "w:gz", compresslevel=1) as tar:
        for name, data, mode in (
            ("VERSION", f"{version}\n".encode(), 0o644),
            ("healthcheck", healthcheck.encode(), 0o755),
            ("payload.bin", bytes(range(256)) * (payload_bytes // 256), 0o644),
        ):
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    return out


class ArtifactServer:
    """Serves the files it is given at /a/<name>, honouring `Range: bytes=N-` (206) as the
    store's artifact endpoint does. Every request's headers are kept. `cut_after` bytes: the
    first answer stops there and the connection is dropped; `bytes_per_second`: a trickle."""

    def __init__(self, *, cut_after: int | None = None, bytes_per_second: float | None = None):
        self.files: dict[str, Path] = {}
        self.requests: list[dict[str, str]] = []
        self.cut_after, self.bytes_per_second = cut_after, bytes_per_second
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                server.answer(self)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def add(self, artifact: Path) -> str:
        """The URL the artifact is served at."""
        name = f"{len(self.files)}-{artifact.name}"
        self.files[name] = artifact
        return f"http://127.0.0.1:{self.httpd.server_port}/a/{name}"

    def answer(self, request: BaseHTTPRequestHandler) -> None:
        with self.lock:
            self.requests.append({"path": request.path, **dict(request.headers)})
            cut, self.cut_after = self.cut_after, None
        path = self.files.get(request.path.removeprefix("/a/"))
        if path is None:
            request.send_error(404)
            return
        data = path.read_bytes()
        start = range_start(request.headers.get("Range"))
        if start is not None and start >= len(data):
            request.send_response(416)
            request.send_header("Content-Range", f"bytes */{len(data)}")
            request.end_headers()
            return
        body = data[start or 0 :]
        request.send_response(206 if start is not None else 200)
        if start is not None:
            request.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        self.send_body(request, body if cut is None else body[:cut])
        if cut is not None:
            request.close_connection = True
            request.connection.shutdown(2)  # the cut: fewer bytes than Content-Length said

    def send_body(self, request: BaseHTTPRequestHandler, body: bytes) -> None:
        step = 16 * 1024
        for offset in range(0, len(body), step):
            try:
                request.wfile.write(body[offset : offset + step])
            except OSError:
                return  # the agent went away (killed): nothing more to send
            if self.bytes_per_second:
                time.sleep(step / self.bytes_per_second)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def range_start(header: str | None) -> int | None:
    match = re.fullmatch(r"bytes=(\d+)-", header or "")
    return int(match[1]) if match else None


def install_command(command_id: str, job: str, manifest: dict, url: str) -> dict:
    args = {"job": job, "manifest": manifest, "url": url}
    return Command(id=command_id, command="ota.install", args=args).to_dict()


def ota_events(listener, device: str) -> list[dict]:
    """The device's `ota` events, each once (the outbox replays recent ones after a
    reconnect, and the server drops the copies by (boot_id, seq)), in the order they came."""
    seen, events = set(), []
    for _, message in listener.on(device, "event"):
        key = (message["boot_id"], message["seq"])
        if message["event"] == "ota" and key not in seen:
            seen.add(key)
            events.append(message)
    return events
