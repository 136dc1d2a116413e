"""A small real HTTP server standing in for the cloud's artifact download: it checks the store's
headers, honours `Range: bytes=N-`, counts the bytes it sends, and can cut the connection
after a number of bytes (once)."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ArtifactCloud:
    def __init__(self, *, store: str, key: str) -> None:
        self.store, self.key = store, key
        self.files: dict[str, bytes] = {}  # path -> bytes
        self.cut_after: int | None = None
        self.requests: list[dict] = []
        self.sent = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> ArtifactCloud:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def handler(self):
        cloud = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                cloud.requests.append(
                    {
                        "path": self.path,
                        "range": self.headers.get("Range"),
                        "store": self.headers.get("X-SmartCart-Store"),
                        "auth": self.headers.get("Authorization"),
                    }
                )
                if (self.headers.get("X-SmartCart-Store"), self.headers.get("Authorization")) != (
                    cloud.store,
                    f"Bearer {cloud.key}",
                ):
                    return self.answer(401, b'{"detail": "unknown store or key"}')
                data = cloud.files.get(self.path)
                if data is None:
                    return self.answer(404, b'{"detail": "no such release"}')
                found = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or "")
                start = int(found.group(1)) if found else 0
                body = data[start:]
                self.send_response(206 if found else 200)
                self.send_header("Content-Length", str(len(body)))
                if found:
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                self.end_headers()
                if cloud.cut_after is not None:
                    body, cloud.cut_after = body[: cloud.cut_after], None
                    self.wfile.write(body)
                    cloud.sent += len(body)
                    self.wfile.flush()
                    self.connection.close()  # mid-body: the client sees a short read
                    return
                self.wfile.write(body)
                cloud.sent += len(body)

            def answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
