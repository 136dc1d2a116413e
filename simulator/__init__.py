"""`smartcart simulate`: a store's racks and carts, simulated, against any MQTT broker.

    smartcart simulate --store demo --racks 3 --slots 10 --carts 24 --mqtt mqtt://127.0.0.1:1883

Carts leave their racks to go shopping (draining), come back and dock into a free slot
(charging); faults come and go. Racks report exactly the carts that say they are docked in them.

With --shoppers N, carts leave only with a shopper: N simulated shoppers drive the store's real
API (sign up, PKCE sign-in, pair by the cart's code from --credentials, scan the ERP's
catalog, ask for help, pay by tag on the cashless emulator or at the till, bring the cart
back). The till's token comes from SMARTCART_TILL_TOKEN, the ERP's from SMARTCART_ERP_TOKEN.

With --rack-pages-port P, rack N serves its technician page on port P+N-1 (announced to the
store, so ops reach it through the tunnel); with --onprem-url and a technician PIN its
force-update form asks the store's API with the rack's own credentials. The technician's
login and PIN come from --technician-password/--technician-pin or SMARTCART_TECHNICIAN_PASSWORD/
SMARTCART_TECHNICIAN_PIN (a variable keeps them out of `ps`). --trust gives every agent the
release keys it accepts firmware from.

One process runs about 150 devices at most: each agent's MQTT client waits in select(), which
cannot watch file descriptors past 1024, and each agent holds ~6 (socket, outbox database).
A larger store runs in several processes, each with its own racks and carts (--first-rack,
--first-cart).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path

from smartcart.agentkit.config import MqttSettings, parse_mqtt_url
from smartcart.envconf import ConfigError
from smartcart.protocol import ProtocolError
from smartcart.protocol.topics import check_id

log = logging.getLogger(__name__)
CENSUS_EVERY_SECONDS = 30.0


def positive(kind: type, lo: float, hi: float):
    def read(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a {'whole ' if kind is int else ''}number"
            ) from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{text} is outside {lo:g}..{hi:g}")
        return value

    return read


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartcart simulate", description=__doc__.splitlines()[0])
    p.add_argument("--store", required=True, help="store id, as provisioned on-prem")
    p.add_argument(
        "--racks", type=positive(int, 1, 99), default=3, help="racks rack-01..rack-NN (default 3)"
    )
    p.add_argument(
        "--slots", type=positive(int, 1, 64), default=10, help="slots per rack (default 10)"
    )
    p.add_argument(
        "--carts",
        type=positive(int, 0, 999),
        default=24,
        help="carts cart-001..cart-MMM (default 24)",
    )
    p.add_argument(
        "--mqtt", required=True, help="broker URL, mqtt://host:port[?protocol=3] or mqtts://"
    )
    p.add_argument(
        "--credentials", type=Path, help='JSON {"<device>": {"username": .., "password": ..}}'
    )
    p.add_argument(
        "--interval", type=positive(float, 0.02, 3600), default=2.0, help="seconds between readings"
    )
    p.add_argument(
        "--outbox-dir", type=Path, default=None, help="where each device keeps its outbox"
    )
    p.add_argument(
        "--seed", type=positive(int, 0, 2**32), default=None, help="repeatable behaviour"
    )
    p.add_argument(
        "--speed",
        type=positive(float, 0, 100_000),
        default=60.0,
        help="simulated seconds per real second (default 60: a shopping trip takes ~30 s)",
    )
    p.add_argument(
        "--duration",
        type=positive(float, 0, 10**7),
        default=None,
        help="stop after this many seconds",
    )
    p.add_argument(
        "--first-rack",
        type=positive(int, 1, 99),
        default=1,
        help="number of the first rack (default 1): a large store split over processes",
    )
    p.add_argument(
        "--first-cart", type=positive(int, 1, 999), default=1, help="number of the first cart"
    )
    p.add_argument(
        "--all-docked",
        action="store_true",
        help="every cart starts in a slot and stays there (benchmarks): needs racks x slots >= carts",
    )
    p.add_argument(
        "--trust",
        action="append",
        type=Path,
        default=[],
        help="release public key (PEM) or a dir of *.pub.pem the agents trust; repeatable",
    )
    pages = p.add_argument_group("rack pages (each rack's technician page)")
    pages.add_argument(
        "--rack-pages-port",
        type=positive(int, 1, 65535),
        default=None,
        help="rack-01's page on this port, rack-02's on the next, …",
    )
    pages.add_argument(
        "--technician-password",
        default=os.environ.get("SMARTCART_TECHNICIAN_PASSWORD"),
        help="the pages' login (user technician); default $SMARTCART_TECHNICIAN_PASSWORD",
    )
    pages.add_argument(
        "--technician-pin",
        default=os.environ.get("SMARTCART_TECHNICIAN_PIN"),
        help="the PIN the force-update form asks; default $SMARTCART_TECHNICIAN_PIN",
    )
    pages.add_argument(
        "--onprem-url",
        help="the store's API the force-update form calls, e.g. http://127.0.0.1:8000",
    )
    shop = p.add_argument_group("shoppers (the store's real API)")
    shop.add_argument(
        "--shoppers", type=positive(int, 0, 500), default=0, help="simulated shoppers (default 0)"
    )
    shop.add_argument("--api", help="the store's on-prem URL, e.g. http://127.0.0.1:8000")
    shop.add_argument("--client-id", help="the shopper app's public OAuth2 client id")
    shop.add_argument("--redirect-uri", help="the shopper app's registered redirect URI")
    shop.add_argument("--erp", default="http://127.0.0.1:8300", help="the ERP, for its catalog")
    shop.add_argument("--cashless", help="the cashless emulator, whose control API takes a tag")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    return p


def build_fleet(args: argparse.Namespace):
    from .fleet import Fleet, cart_ids, rack_ids, read_credentials
    from .world import StoreWorld

    try:
        check_id(args.store, "--store")
    except ProtocolError as exc:
        raise ConfigError(str(exc)) from None
    mqtt = MqttSettings(**parse_mqtt_url(args.mqtt, "--mqtt"), reconnect_max=10.0)
    if args.first_rack + args.racks - 1 > 99 or args.first_cart + args.carts - 1 > 999:
        raise ConfigError("rack numbers end at 99 and cart numbers at 999")
    if args.all_docked and args.racks * args.slots < args.carts:
        raise ConfigError(
            f"--all-docked: {args.carts} carts do not fit in {args.racks} racks x {args.slots} slots"
        )
    world = StoreWorld(
        racks=dict.fromkeys(rack_ids(args.racks, args.first_rack), args.slots),
        cart_ids=cart_ids(args.carts, args.first_cart),
        seed=args.seed,
        speed=args.speed,
        docked_share=1.0 if args.all_docked else 0.5,
    )
    outbox_dir = args.outbox_dir or Path("var") / "simulator" / args.store
    world.departures = not args.shoppers and not args.all_docked
    return Fleet(
        store=args.store,
        world=world,
        mqtt=mqtt,
        outbox_dir=outbox_dir,
        interval=args.interval,
        credentials=read_credentials(args.credentials),
        trust=tuple(check_trust(args.trust)),
        pages=page_settings(args),
    )


def check_trust(paths: list[Path]) -> list[Path]:
    for path in paths:
        if not path.exists():
            raise ConfigError(f"--trust {path} does not exist")
    return paths


def page_settings(args: argparse.Namespace):
    """The racks' technician pages, or None without --rack-pages-port."""
    from rack_agent.technician import MIN_PASSWORD, MIN_PIN

    from .fleet import RackPages

    if args.rack_pages_port is None:
        return None
    if args.rack_pages_port + args.racks - 1 > 65535:
        raise ConfigError(
            f"--rack-pages-port {args.rack_pages_port} leaves no port for rack {args.racks}"
        )
    password, pin = args.technician_password, args.technician_pin
    if not password or len(password) < MIN_PASSWORD:
        raise ConfigError(
            f"--rack-pages-port needs a technician password of at least {MIN_PASSWORD} characters "
            "(--technician-password or SMARTCART_TECHNICIAN_PASSWORD)"
        )
    if pin is not None and len(pin) < MIN_PIN:
        raise ConfigError(f"--technician-pin needs at least {MIN_PIN} characters")
    if bool(pin) != bool(args.onprem_url):
        raise ConfigError("the force-update form needs both --onprem-url and a technician PIN")
    return RackPages(
        port=args.rack_pages_port, password=password, pin=pin, onprem_url=args.onprem_url
    )


def build_shoppers(args: argparse.Namespace, fleet):
    from .shoppers import Shoppers, Store

    if not args.shoppers:
        return None
    missing = [flag for flag in ("api", "client_id", "redirect_uri") if not getattr(args, flag)]
    if missing:
        raise ConfigError(
            "--shoppers needs " + ", ".join("--" + m.replace("_", "-") for m in missing)
        )
    codes = {d: c["pairing_code"] for d, c in fleet.credentials.items() if c.get("pairing_code")}
    if not codes:
        raise ConfigError("--shoppers needs --credentials with a pairing_code per cart")
    for device, code in codes.items():  # print each cart's sticker
        if device in fleet.world.carts:
            fleet.world.carts[device].sticker = code
    store = Store(
        api_url=args.api,
        client_id=args.client_id,
        redirect_uri=args.redirect_uri,
        world=fleet.world,
        pairing_codes=codes,
        erp_url=args.erp,
        erp_token=os.environ.get("SMARTCART_ERP_TOKEN") or "emulator-token",
        cashless_url=args.cashless,
        till_token=os.environ.get("SMARTCART_TILL_TOKEN") or None,
        speed=args.speed,
        seed=args.seed,
    )
    return Shoppers(store, args.shoppers)


def run(fleet, duration: float | None, shoppers=None) -> None:
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    fleet.start()
    if shoppers is not None:
        shoppers.start()
    log.info(
        "simulating %d racks and %d carts of store %s",
        len(fleet.world.racks),
        len(fleet.world.cart_ids),
        fleet.store,
    )
    deadline = time.monotonic() + duration if duration is not None else float("inf")
    while not done.wait(min(CENSUS_EVERY_SECONDS, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            break
        log.info(
            "store %s: %s, %d devices connected",
            fleet.store,
            fleet.world.census(),
            fleet.connected(),
        )
        if shoppers is not None:
            log.info("store %s: shoppers' trips %s", fleet.store, shoppers.store.trips)
    if shoppers is not None:
        shoppers.stop()
    fleet.stop()


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per shopper request is noise
    try:
        fleet = build_fleet(args)
        shoppers = build_shoppers(args, fleet)
    except ConfigError as exc:
        print(f"smartcart simulate: {exc}", file=sys.stderr)
        return 2
    try:
        fleet.serve_pages()
    except OSError as exc:
        fleet.stop()
        port = args.rack_pages_port
        print(
            f"smartcart simulate: cannot serve the rack pages from port {port}: {exc.strerror}",
            file=sys.stderr,
        )
        return 2
    run(fleet, args.duration, shoppers)
    return 0
