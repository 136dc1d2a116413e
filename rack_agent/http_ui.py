"""The rack's own web page: its slots, the carts docked in them, and each cart's battery and
health as the rack last saw them over the dock connector. Stdlib only (http.server).

GET /            the page (refreshes itself every few seconds)
GET /slots.json  the same data for scripts
"""

from __future__ import annotations

import html
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .agent import RackAgent

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


def make_handler(agent: RackAgent) -> type[BaseHTTPRequestHandler]:
    class RackPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/":
                self._send(200, "text/html; charset=utf-8", render_page(agent).encode())
            elif self.path == "/slots.json":
                self._send(200, "application/json", json.dumps(slots_json(agent)).encode())
            else:
                self._send(404, "text/plain", b"not found: try / or /slots.json\n")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args) -> None:
            log.debug("rack page: " + fmt, *args)

    return RackPage


def serve(agent: RackAgent, host: str, port: int) -> ThreadingHTTPServer:
    """Start the page on a daemon thread; the caller shuts it down."""
    server = ThreadingHTTPServer((host, port), make_handler(agent))
    threading.Thread(target=server.serve_forever, name=f"http-{agent.device}", daemon=True).start()
    log.info("rack %s page on http://%s:%s/", agent.device, host, server.server_address[1])
    return server
