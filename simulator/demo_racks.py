"""The demo's racks: the technician pages (the simulated racks' and one real rack agent's),
their login and force-update PIN, and the URLs that reach a page locally or through the
store's tunnel. Kept apart from demo.py, which starts everything."""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from simulator.demo import Demo


def var_secret(var: Path, name: str) -> str:
    """A random secret kept in the demo's var dir (made on first use): never a built-in value."""
    path = var / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


def technician_pin(var: Path) -> str:
    """The rack pages' force-update PIN: six random digits, kept like the other demo secrets."""
    path = var / "technician-pin"
    if not path.exists():
        path.write_text(f"{secrets.randbelow(10**6):06d}")
    return path.read_text().strip()


def page_rack(args: argparse.Namespace) -> str:
    """The rack a real `python -m rack_agent` runs, with its page: the one after the simulated ones."""
    return f"rack-{args.racks + 1:02d}"


def start_rack_page(demo: Demo, args: argparse.Namespace, credentials: Path) -> None:
    """One real `python -m rack_agent` serving its technician page (with the force-update
    form, though no cart docks in it), announced to the store (page_url), so ops can open a
    rack page through the tunnel. The simulated racks serve theirs from the simulator."""
    from rack_agent.technician import hash_password

    rack = page_rack(args)
    login = json.loads(credentials.read_text())[rack]
    password = var_secret(demo.var, "rack-page-password")
    # Fewer PBKDF2 rounds than a real rack's hash: the demo hashes at every start, and its
    # password is random and local.
    demo.start(
        "rack-page",
        [sys.executable, "-m", "rack_agent"],
        SMARTCART_AGENT_STORE=args.store,
        SMARTCART_AGENT_DEVICE=rack,
        SMARTCART_AGENT_MQTT_URL=demo.mqtt_url,
        SMARTCART_AGENT_USERNAME=login["username"],
        SMARTCART_AGENT_PASSWORD=login["password"],
        SMARTCART_AGENT_SLOTS=str(args.slots),
        SMARTCART_AGENT_SIM_CARTS="0",
        SMARTCART_AGENT_OUTBOX=str(demo.var / "agents" / f"{rack}.outbox.sqlite3"),
        SMARTCART_AGENT_HTTP_PORT=str(args.rack_page_port),
        SMARTCART_AGENT_HTTP_PASSWORD_HASH=hash_password(password, iterations=20_000),
        SMARTCART_AGENT_TECHNICIAN_PIN_HASH=hash_password(
            technician_pin(demo.var), iterations=20_000
        ),
        SMARTCART_AGENT_ONPREM_URL=f"http://127.0.0.1:{args.onprem_port}",
        SMARTCART_AGENT_TRUST=str(demo.release_key.public),
        SMARTCART_AGENT_OTA_DIR=str(demo.var / "agents" / f"{rack}.ota"),
    )


def remote_urls(summary: dict, args: argparse.Namespace, demo: Demo) -> dict:
    """What ops open from the cloud through the store's tunnel (docs/operations.md)."""
    base = f"{summary['cloud_url']}/remote/{args.store}"
    return {
        "api": f"{base}/api/v1/carts/",
        "rack_page": f"{base}/racks/{page_rack(args)}/",
        "rack_login": f"technician:{var_secret(demo.var, 'rack-page-password')}",
    }


def rack_pages(args: argparse.Namespace) -> dict[str, str]:
    """Every rack's technician page: the simulated racks', then the real rack agent's."""
    pages = {
        f"rack-{n + 1:02d}": f"http://127.0.0.1:{args.rack_pages_port + n}/"
        for n in range(args.racks)
    }
    pages[page_rack(args)] = f"http://127.0.0.1:{args.rack_page_port}/"
    return pages
