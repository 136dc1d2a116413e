"""A webhook receiver for trying channels out: prints one line per notice, checks its signature.

    python -m cloud.notifications.receiver --port 9099 --secret <the channel's secret>

Point a webhook channel at http://127.0.0.1:9099/. `--status 500` answers every notice with
that status (to watch the cloud retry and mark the channel failing). No Django: stdlib only.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verified(body: bytes, header: str, secret: str) -> bool:
    """Whether `X-SmartCart-Signature` is the HMAC-SHA256 of these exact bytes with `secret`."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


def describe(body: bytes, headers, secret: str) -> str:
    signature = headers.get("X-SmartCart-Signature", "")
    check = "unchecked" if not secret else ("ok" if verified(body, signature, secret) else "BAD")
    try:
        notice = json.loads(body)
    except ValueError:
        return f"not JSON ({len(body)} bytes) signature={check}"
    incident = notice.get("incident") or {}
    return (
        f"delivery={headers.get('X-SmartCart-Delivery', '-')} event={notice.get('event')} "
        f"store={incident.get('store', '-')} problem={incident.get('problem', '-')} "
        f"severity={incident.get('severity', '-')} state={incident.get('state', '-')} "
        f"flapping={incident.get('flapping', '-')} signature={check}"
    )


def handler(secret: str, status: int):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            print(describe(body, self.headers, secret), flush=True)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass  # one line per notice is printed above

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9099)
    parser.add_argument("--secret", default="", help="the channel's secret: check signatures")
    parser.add_argument("--status", type=int, default=200, help="answer every notice with this")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), handler(args.secret, args.status))
    print(f"listening on http://{args.host}:{server.server_port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
