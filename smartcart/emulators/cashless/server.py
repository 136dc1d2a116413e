"""`smartcart cashless-emulator`: the emulated terminal over http (and https) from one process.

smartcart cashless-emulator --port 8080 --https-port 9443 --data my_store.json
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from smartcart.emulators.cashless.app import create_app
from smartcart.emulators.cashless.catalog import SAMPLE_DATA, CatalogError, load_catalog
from smartcart.emulators.cashless.certs import self_signed
from smartcart.emulators.cashless.events import Dispatcher, Listeners
from smartcart.emulators.cashless.terminal import Terminal

log = logging.getLogger(__name__)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="smartcart cashless-emulator", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="http port (a real terminal uses 8080)"
    )
    parser.add_argument(
        "--https-port", type=int, help="also serve https here (a real terminal uses 9443)"
    )
    parser.add_argument(
        "--cert-dir",
        type=Path,
        help="where the self-signed cert.pem/key.pem go (default: a temp dir)",
    )
    parser.add_argument(
        "--data", type=Path, default=SAMPLE_DATA, help="menu, products, fields, images (JSON)"
    )
    parser.add_argument("--username", default="api")
    parser.add_argument("--password", default="test")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        catalog = load_catalog(args.data)
    except CatalogError as exc:
        print(f"cashless-emulator: {exc}", file=sys.stderr)
        return 2
    app = create_app(
        Terminal(catalog, Dispatcher(Listeners())), username=args.username, password=args.password
    )
    try:
        servers = _servers(app, args)
    except OSError as exc:
        print(f"cashless-emulator: cannot listen: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return _serve(servers)


def _servers(app, args: argparse.Namespace) -> list[tuple[str, BaseWSGIServer]]:
    servers = [("http", make_server(args.host, args.port, app, threaded=True))]
    if args.https_port:
        cert_dir = args.cert_dir or Path(tempfile.mkdtemp(prefix="cashless-emulator-"))
        cert, key = self_signed(cert_dir, args.host)
        servers.append(
            (
                "https",
                make_server(
                    args.host,
                    args.https_port,
                    app,
                    threaded=True,
                    ssl_context=(str(cert), str(key)),
                ),
            )
        )
        print(
            f"cashless-emulator: certificate {cert} (use it as SMARTCART_CASHLESS_VERIFY_TLS)",
            flush=True,
        )
    return servers


def _serve(servers: list[tuple[str, BaseWSGIServer]]) -> int:
    stop = threading.Event()
    for scheme, server in servers:
        threading.Thread(
            target=server.serve_forever, name=f"cashless-{scheme}", daemon=True
        ).start()
        print(
            f"cashless-emulator: {scheme}://{server.host}:{server.port}/api/config/v4", flush=True
        )
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    for _, server in servers:
        server.shutdown()
    return 0
