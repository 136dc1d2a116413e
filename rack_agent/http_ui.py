"""The rack's own web page: its slots, the carts docked in them with each cart's battery,
health and firmware as the rack last saw them over the dock connector, and the technician's
force-update form. Stdlib only (http.server).

GET  /            the page (its script refreshes the table every few seconds)
GET  /slots.json  the same data for scripts
GET  /page.js     the page's script (served, not inline, so the CSP forbids inline script)
POST /update      the force-update form: one docked cart, or every cart in the rack

Everything needs the technician's login (HTTP Basic, checked against the config's password
hash). The form also needs the CSRF token the page carries (technician.FormTokens) and the
technician PIN; the rack then asks the store's API with its own credentials (onprem.OnPrem),
which re-checks that the cart is docked here and applies the same gates as a campaign.
Basic auth is plain text on the wire, hence the default bind to 127.0.0.1: a technician
reaches the page through an SSH tunnel (docs/operations.md).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import page
from .agent import RackAgent
from .config import RackConfig
from .onprem import OnPrem
from .technician import BasicAuth, FormTokens, PinCheck

log = logging.getLogger(__name__)
MAX_FORM = 4096
CSP = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


@dataclass
class RackPage:
    """What the page needs: the agent's readings, the login, and the force-update parts
    (pin and onprem are None when the config does not turn the form on)."""

    agent: RackAgent
    auth: BasicAuth
    tokens: FormTokens
    pin: PinCheck | None = None
    onprem: OnPrem | None = None

    def view(self, authorization: str) -> page.View:
        slots, at = self.agent.seen()
        view = page.View(rack=self.agent.device, slots=slots, read_at=at)
        if self.pin is None or self.onprem is None:
            return view
        view.token = self.tokens.token(authorization)
        view.releases = self.onprem.releases()
        view.jobs = page.latest_jobs(self.onprem.jobs())
        return view


class Refusal(Exception):
    """A form the page turns down: the HTTP status and the sentence the technician reads."""

    def __init__(self, status: int, sentence: str) -> None:
        super().__init__(sentence)
        self.status, self.sentence = status, sentence


def form_fields(handler: BaseHTTPRequestHandler) -> dict[str, str]:
    kind = handler.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Refusal(415, "the form is sent as application/x-www-form-urlencoded")
    try:
        size = int(handler.headers.get("Content-Length", ""))
    except ValueError:
        raise Refusal(411, "the form needs a Content-Length") from None
    if not 0 <= size <= MAX_FORM:
        raise Refusal(413, f"the form is at most {MAX_FORM} bytes")
    raw = handler.rfile.read(size).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}


def same_origin(handler: BaseHTTPRequestHandler) -> bool:
    """A browser names the page that sent a POST; it must be this one (defence in depth)."""
    origin = handler.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == handler.headers.get("Host", "")


def docked_carts(agent: RackAgent) -> set[str]:
    slots, _ = agent.seen()
    return {s.cart for s in slots if s.cart}


def force_update(rack: RackPage, handler: BaseHTTPRequestHandler, authorization: str) -> str:
    """Check the form and ask the store; the notice for the page, or Refusal."""
    if rack.pin is None or rack.onprem is None:
        raise Refusal(
            404,
            "force update is off on this rack: its config has no onprem_url or technician_pin_hash",
        )
    fields = form_fields(handler)
    if not same_origin(handler):
        raise Refusal(403, "a form from another site is refused: open the rack page itself")
    if not rack.tokens.valid(authorization, fields.get("csrf", "")):
        raise Refusal(
            403, "the form's security token is missing or stale: reload the page and try again"
        )
    version = fields.get("version", "").strip()
    if not page.VERSION.fullmatch(version):
        raise Refusal(400, "pick a release: a version is MAJOR.MINOR.PATCH, like 1.1.0")
    cart = fields.get("cart", "").strip()
    if fields.get("scope") != "rack" and not page.DEVICE_ID.fullmatch(cart):
        raise Refusal(400, "say which cart to update (its id), or use the whole-rack button")
    if sentence := rack.pin.check(fields.get("pin", "")):
        log.warning(
            "rack %s page: %s (from %s)", rack.agent.device, sentence, handler.client_address[0]
        )
        raise Refusal(403, sentence)
    override = fields.get("override_window") in ("on", "true", "1")
    if fields.get("scope") == "rack":
        return rack_update(rack, version, override)
    return cart_update(rack, cart, version, override)


def cart_update(rack: RackPage, cart: str, version: str, override: bool) -> str:
    if cart not in docked_carts(rack.agent):
        raise Refusal(409, f"{cart} is not docked in rack {rack.agent.device} now: dock it first")
    answer = rack.onprem.update_cart(cart, version, override_window=override)
    log.info(
        "rack %s page: update %s to %s -> HTTP %s", rack.agent.device, cart, version, answer.status
    )
    if not answer.ok:
        raise Refusal(failed_status(answer), f"the store refused to update {cart}: {answer.error}")
    return page.job_notice(cart, version, answer.data)


def rack_update(rack: RackPage, version: str, override: bool) -> str:
    if not docked_carts(rack.agent):
        raise Refusal(409, f"no cart is docked in rack {rack.agent.device} now")
    answer = rack.onprem.update_rack(version, override_window=override)
    log.info(
        "rack %s page: update every cart to %s -> HTTP %s",
        rack.agent.device,
        version,
        answer.status,
    )
    if not answer.ok:
        raise Refusal(
            failed_status(answer), f"the store refused to update this rack's carts: {answer.error}"
        )
    return page.rack_notice(version, answer.data)


def failed_status(answer) -> int:
    """The store's own 4xx/5xx; 502 when it could not be reached or answered nonsense."""
    return answer.status if answer.status >= 400 else 502


def make_handler(rack: RackPage) -> type[BaseHTTPRequestHandler]:
    agent = rack.agent

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if not (login := self._login()):
                return
            if self.path == "/":
                self._page(200, rack.view(login))
            elif self.path == "/slots.json":
                body = json.dumps(page.slots_json(rack.view(login))).encode()
                self._send(200, "application/json", body)
            elif self.path == "/page.js":
                self._send(200, "text/javascript; charset=utf-8", page.SCRIPT.encode())
            else:
                self._send(404, "text/plain", b"not found: try / or /slots.json\n")

        def do_POST(self) -> None:  # noqa: N802
            if not (login := self._login()):
                return
            if self.path != "/update":
                self._send(
                    405,
                    "text/plain",
                    b"the rack page only reads here: forms go to /update\n",
                    Allow="GET",
                )
                return
            try:
                notice = page.Notice(force_update(rack, self, login), ok=True)
                status = 200
            except Refusal as refusal:
                notice, status = page.Notice(refusal.sentence, ok=False), refusal.status
            view = rack.view(login)
            view.notice = notice
            self._page(status, view)

        def do_PUT(self) -> None:  # noqa: N802
            if self._login():
                self._send(
                    405,
                    "text/plain",
                    b"the rack page takes GET, and POST /update\n",
                    Allow="GET, POST",
                )

        do_DELETE = do_PATCH = do_PUT

        def _login(self) -> str:
            """The Authorization header when it carries the technician's login, else ''."""
            header = self.headers.get("Authorization")
            if rack.auth.allows(header):
                return header
            if header:
                log.warning("rack page: wrong technician login from %s", self.client_address[0])
            realm = f'Basic realm="rack {agent.device}", charset="UTF-8"'
            body = b"technician login required (user and password from the rack's config)\n"
            self._send(401, "text/plain", body, **{"WWW-Authenticate": realm})
            return ""

        def _page(self, status: int, view: page.View) -> None:
            self._send(status, "text/html; charset=utf-8", page.render(view).encode())

        def _send(self, status: int, content_type: str, body: bytes, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Security-Policy", CSP)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, fmt: str, *args) -> None:
            log.debug("rack page: " + fmt, *args)

    return Handler


def rack_page(
    agent: RackAgent,
    *,
    user: str,
    password_hash: str,
    pin_hash: str | None = None,
    onprem_url: str = "",
    login: tuple[str, str] = ("", ""),
) -> RackPage:
    """The page's parts: the force-update form only with a store URL and a PIN hash. The rack
    calls the store with `login`, its own MQTT username and password."""
    rack = RackPage(
        agent=agent, auth=BasicAuth(user=user, password_hash=password_hash), tokens=FormTokens()
    )
    if onprem_url and pin_hash:
        rack.pin = PinCheck(pin_hash)
        rack.onprem = OnPrem(onprem_url, rack=agent.device, username=login[0], password=login[1])
    return rack


def start_server(rack: RackPage, host: str, port: int) -> ThreadingHTTPServer:
    """Serve the page on a daemon thread; the caller shuts it down."""
    server = ThreadingHTTPServer((host, port), make_handler(rack))
    server.daemon_threads = True
    name = f"http-{rack.agent.device}"
    threading.Thread(target=server.serve_forever, name=name, daemon=True).start()
    bound = server.server_address[:2]
    form = f"via {rack.onprem.base_url}" if rack.onprem else "off"
    log.info("rack %s page on http://%s:%s/ (force update %s)", rack.agent.device, *bound, form)
    return server


def serve(agent: RackAgent, cfg: RackConfig) -> ThreadingHTTPServer:
    """`python -m rack_agent`'s page, from its config."""
    mqtt = cfg.agent.mqtt
    rack = rack_page(
        agent,
        user=cfg.http_user,
        password_hash=cfg.http_password_hash,
        pin_hash=cfg.technician_pin_hash,
        onprem_url=cfg.onprem_url,
        login=(mqtt.username or "", mqtt.password or ""),
    )
    return start_server(rack, cfg.http_host, cfg.http_port)
