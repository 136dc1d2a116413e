"""The rack's own web page: its slots, the carts docked in them, and each cart's battery and
health as the rack last saw them over the dock connector. Stdlib only (http.server).

GET /            the page (refreshes itself every few seconds)
GET /slots.json  the same data for scripts

Both need the technician's login (HTTP Basic, checked against the config's password hash).
The page only reads: every other method gets 405, so there is no form for a CSRF to forge.
Basic auth is plain text on the wire, hence the default bind to 127.0.0.1: a technician
reaches the page through an SSH tunnel (docs/operations.md).
"""

from __future__ import annotations

import html
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .agent import RackAgent
from .config import RackConfig
from .technician import BasicAuth

log = logging.getLogger(__name__)

PAGE = """<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Rack {rack}</title><style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:.3em .8em;
text-align:left;border-bottom:1px solid #ddd}}.fault{{color:#b00}}.degraded{{color:#a60}}</style></head>
<body><h1>Rack {rack}</h1><p>{summary}</p><table><tr><th>Slot</th><th>Cart</th><th>Battery</th>
<th>Health</th><th>Charging</th><th>Slot power</th></tr>{rows}</table></body></html>"""


def slot_row(slot) -> str:
    cells = [
        str(slot.slot),
        html.escape(slot.cart or "empty"),
        f"{slot.cart_soc:.0f}%" if slot.cart_soc is not None else "",
        f'<span class="{slot.cart_health}">{slot.cart_health}</span>' if slot.cart_health else "",
        f"{slot.charging_current:.1f} A" if slot.cart else "",
        "on" if slot.powered else "off",
    ]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def render_page(agent: RackAgent) -> str:
    slots, at = agent.seen()
    docked = sum(1 for s in slots if s.cart)
    summary = (
        f"{docked} of {len(slots)} slots hold a cart; last read {at:%H:%M:%S} UTC"
        if at
        else "no reading yet"
    )
    return PAGE.format(
        rack=html.escape(agent.device), summary=summary, rows="".join(map(slot_row, slots))
    )


def slots_json(agent: RackAgent) -> dict:
    slots, at = agent.seen()
    return {
        "rack": agent.device,
        "read_at": at.isoformat() if at else None,
        "slots": [
            {
                "slot": s.slot,
                "cart": s.cart,
                "battery_soc": s.cart_soc,
                "health": s.cart_health,
                "charging_current": s.charging_current,
                "powered": s.powered,
            }
            for s in slots
        ],
    }


def make_handler(agent: RackAgent, auth: BasicAuth) -> type[BaseHTTPRequestHandler]:
    class RackPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if not self._logged_in():
                return
            if self.path == "/":
                self._send(200, "text/html; charset=utf-8", render_page(agent).encode())
            elif self.path == "/slots.json":
                self._send(200, "application/json", json.dumps(slots_json(agent)).encode())
            else:
                self._send(404, "text/plain", b"not found: try / or /slots.json\n")

        def do_POST(self) -> None:  # noqa: N802
            if self._logged_in():
                self._send(405, "text/plain", b"the rack page only reads: use GET\n", Allow="GET")

        do_PUT = do_DELETE = do_PATCH = do_POST

        def _logged_in(self) -> bool:
            header = self.headers.get("Authorization")
            if auth.allows(header):
                return True
            if header:
                log.warning("rack page: wrong technician login from %s", self.client_address[0])
            realm = f'Basic realm="rack {agent.device}", charset="UTF-8"'
            body = b"technician login required (user and password from the rack's config)\n"
            self._send(401, "text/plain", body, **{"WWW-Authenticate": realm})
            return False

        def _send(self, status: int, content_type: str, body: bytes, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Frame-Options", "DENY")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args) -> None:
            log.debug("rack page: " + fmt, *args)

    return RackPage


def serve(agent: RackAgent, cfg: RackConfig) -> ThreadingHTTPServer:
    """Start the page on a daemon thread; the caller shuts it down."""
    auth = BasicAuth(user=cfg.http_user, password_hash=cfg.http_password_hash)
    server = ThreadingHTTPServer((cfg.http_host, cfg.http_port), make_handler(agent, auth))
    threading.Thread(target=server.serve_forever, name=f"http-{agent.device}", daemon=True).start()
    host, port = server.server_address[:2]
    log.info(
        "rack %s page on http://%s:%s/ (technician login: %s)",
        agent.device,
        host,
        port,
        cfg.http_user,
    )
    return server
