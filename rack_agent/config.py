"""Rack agent settings: the common agent keys plus slots, the web page and simulated carts.

The web page is off unless http_port is set, and then it needs the technician's password hash:
a rack page nobody has to log in to would show (and switch) the store's slots to anyone.
Its force-update form needs two more keys: `onprem_url` (where the rack calls the store's API
with its own MQTT credentials) and `technician_pin_hash` (the PIN a technician types to
confirm an update); without both the page shows the firmware but offers no update.
"""

from __future__ import annotations

from dataclasses import dataclass

from smartcart.agentkit.config import AgentConfig, load_source, read_common, read_int, read_text
from smartcart.envconf import ConfigError

HARDWARE = ("simulated",)
EXTRA_KEYS = (
    "hardware",
    "slots",
    "http_host",
    "http_port",
    "http_user",
    "http_password_hash",
    "http_advertise_url",
    "sim_carts",
    "onprem_url",
    "technician_pin_hash",
)


@dataclass(frozen=True, slots=True)
class RackConfig:
    agent: AgentConfig
    hardware: str
    slots: int
    http_host: str
    http_port: int  # 0: no web page
    http_user: str
    http_password_hash: str | None  # required when http_port is set
    # The page's URL as the store reaches it, announced in the rack's status so ops can open it
    # through the store's tunnel; default http://http_host:http_port/.
    http_advertise_url: str
    sim_carts: int  # simulated hardware: how many carts come and go
    onprem_url: str = ""  # the store's API for the force-update form; "" = no form
    technician_pin_hash: str | None = None  # pbkdf2 like the password; None = no form


def load(argv: list[str] | None = None, env: dict | None = None) -> RackConfig:
    src = load_source("rack_agent", argv, EXTRA_KEYS, env)
    hardware = read_text(src, "hardware", "simulated")
    if hardware not in HARDWARE:
        raise ConfigError(
            f"{src.raw('hardware')[1]}={hardware!r} is not a known driver: {', '.join(HARDWARE)}"
        )
    slots = read_int(src, "slots", 10, 1, 64)
    http_port = read_int(src, "http_port", 0, 0, 65535)
    return RackConfig(
        agent=read_common("rack", src),
        hardware=hardware,
        slots=slots,
        http_host=read_text(src, "http_host", "127.0.0.1"),
        http_port=http_port,
        http_user=read_text(src, "http_user", "technician"),
        http_password_hash=read_password_hash(src, http_port),
        http_advertise_url=read_advertise_url(src, http_port),
        sim_carts=read_int(src, "sim_carts", max(1, slots * 7 // 10), 0, 1000),
        onprem_url=read_onprem_url(src),
        technician_pin_hash=read_pin_hash(src),
    )


def read_onprem_url(src) -> str:
    from urllib.parse import urlsplit

    if not src.has("onprem_url"):
        return ""
    url = read_text(src, "onprem_url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(
            f"{src.raw('onprem_url')[1]}={url!r} must be the store's base URL, "
            "like http://onprem.local:8000"
        )
    return url.rstrip("/")


def read_pin_hash(src) -> str | None:
    from .technician import check_hash

    if not src.has("technician_pin_hash"):
        return None
    try:
        return check_hash(read_text(src, "technician_pin_hash"))
    except ValueError as exc:
        raise ConfigError(f"{src.raw('technician_pin_hash')[1]} {exc}") from None


def read_advertise_url(src, http_port: int) -> str:
    from smartcart.protocol import ProtocolError, fields

    if not http_port:
        return ""
    host = read_text(src, "http_host", "127.0.0.1")
    url = read_text(src, "http_advertise_url", f"http://{host}:{http_port}/")
    try:
        return fields.page_url({"http_advertise_url": url}, "http_advertise_url")
    except ProtocolError as exc:
        raise ConfigError(f"{src.raw('http_advertise_url')[1]}: {exc}") from None


def read_password_hash(src, http_port: int) -> str | None:
    from .technician import check_hash

    if not src.has("http_password_hash"):
        if http_port:
            raise ConfigError(
                f"http_port={http_port} turns the rack page on, and the page needs a technician "
                "password: set http_password_hash (`python -m rack_agent hash-password` prints "
                "the line), or http_port = 0"
            )
        return None
    value = read_text(src, "http_password_hash")
    try:
        return check_hash(value)
    except ValueError as exc:
        raise ConfigError(f"{src.raw('http_password_hash')[1]} {exc}") from None
