"""`smartcart erp-emulator`: a Presence-style ERP REST API over a sample catalog.

The store's real ERP stands behind the same surface (docs/integrations/erp.md):
  GET  /api/v1/products?updated_since=&cursor=&limit=   keyset pages, for full and incremental sync
  GET  /api/v1/products/<code>
  GET  /api/v1/stock?updated_since=&cursor=&limit=
  POST /api/v1/orders                                   idempotent by `pedido_externo`
  GET  /api/v1/orders?external_id=                      find the order a platform id made
  GET  /api/v1/orders/<number>                          status
  GET  /api/v1/orders/<number>/invoice                  409 until invoiced
Test controls live under /emulator/v1/ (change a price or a stock level, fail the next
requests, switch idempotency or auto-invoicing off, list every order, reset).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.serving import make_server

from .catalog import load_catalog, sample_products
from .state import ErpRejection, ErpState, Fault

log = logging.getLogger(__name__)
DEFAULT_TOKEN = "emulator-token"
MAX_PAGE = 500


def create_app(state: ErpState, *, token: str) -> Flask:
    app = Flask(__name__)
    app.config["ERP_STATE"], app.config["ERP_TOKEN"] = state, token
    app.before_request(_authenticate)
    app.before_request(_inject_fault)
    app.after_request(_lose_answer)
    app.register_error_handler(ErpRejection, _rejection)
    app.register_error_handler(HTTPException, _http_error)
    _api_routes(app, state)
    _control_routes(app, state)
    return app


def _error(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def _rejection(exc: ErpRejection) -> Response:
    return _error(exc.status, exc.code, str(exc))


def _http_error(exc: HTTPException) -> Response:
    return _error(exc.code or 500, "http_error", exc.description or exc.name)


def _authenticate() -> Response | None:
    expected = current_app.config["ERP_TOKEN"]
    header = request.headers.get("Authorization", "")
    given = (
        header.removeprefix("Bearer ").strip()
        if header.startswith("Bearer ")
        else request.headers.get("X-Api-Key")
    )
    if given != expected:
        return _error(
            401,
            "unauthorized",
            "send the API token as 'Authorization: Bearer <token>' or 'X-Api-Key'",
        )
    return None


def _inject_fault() -> Response | None:
    if request.path.startswith("/emulator/"):
        return None
    fault = current_app.config["ERP_STATE"].take_fault(request.path)
    if fault is None:
        return None
    if fault.after_apply:
        g.lost_answer = fault
        return None
    return _error(
        fault.status, "unavailable", "injected failure: the ERP is temporarily unavailable"
    )


def _lose_answer(response: Response) -> Response:
    fault = g.pop("lost_answer", None)
    if fault is None:
        return response
    return _error(
        fault.status, "unavailable", "injected failure: the request was applied but the answer lost"
    )


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ErpRejection(400, "bad_json", "the request body must be a JSON object")
    return body


def _timestamp(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        stamp = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ErpRejection(
            400, "bad_parameter", f"updated_since {raw!r} is not an ISO 8601 time"
        ) from None
    if stamp.tzinfo is None:
        raise ErpRejection(
            400, "bad_parameter", f"updated_since {raw!r} needs a time zone (Z or +hh:mm)"
        )
    return stamp.astimezone(UTC).isoformat(timespec="microseconds")


def _limit() -> int:
    raw = request.args.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ErpRejection(
            400, "bad_parameter", f"limit {raw!r} must be a whole number from 1 to {MAX_PAGE}"
        )
    return int(raw)


def _listing(state: ErpState, kind: str) -> Response:
    rows, cursor = state.page(
        kind,
        updated_since=_timestamp(request.args.get("updated_since")),
        cursor=request.args.get("cursor"),
        limit=_limit(),
    )
    return jsonify(data=rows, next_cursor=cursor, server_time=datetime.now(UTC).isoformat())


def _api_routes(app: Flask, state: ErpState) -> None:
    app.add_url_rule("/api/v1/products", "products", lambda: _listing(state, "products"))
    app.add_url_rule("/api/v1/stock", "stock", lambda: _listing(state, "stock"))
    app.add_url_rule(
        "/api/v1/products/<code>", "product", lambda code: jsonify(state.product(code))
    )
    app.add_url_rule(
        "/api/v1/orders/<number>", "order", lambda number: jsonify(state.order(number))
    )
    app.add_url_rule(
        "/api/v1/orders/<number>/invoice", "invoice", lambda number: jsonify(state.invoice(number))
    )

    @app.get("/api/v1/orders")
    def find_orders() -> Response:
        external_id = request.args.get("external_id")
        if not external_id:
            raise ErpRejection(400, "bad_parameter", "external_id is required to search orders")
        found = state.find_order(external_id)
        return jsonify(data=[found] if found else [])

    @app.post("/api/v1/orders")
    def place_order() -> tuple[Response, int]:
        order, created = state.place_order(_body())
        log.info(
            "order %s external=%s created=%s", order["numero"], order["pedido_externo"], created
        )
        return jsonify(order), 201 if created else 200


def _control_routes(app: Flask, state: ErpState) -> None:
    add = app.add_url_rule
    add("/emulator/v1/orders", "all_orders", lambda: jsonify(data=state.all_orders()))
    add(
        "/emulator/v1/products/<code>",
        "change_product",
        lambda code: jsonify(state.change_product(code, _body())),
        methods=["PATCH"],
    )
    add(
        "/emulator/v1/orders/<number>/invoice",
        "invoice_now",
        lambda number: jsonify(state.invoice_order(number)),
        methods=["POST"],
    )

    @app.put("/emulator/v1/stock/<code>")
    def change_stock(code: str) -> Response:
        return jsonify(state.change_stock(code, _body().get("quantidade")))

    @app.post("/emulator/v1/reset")
    def reset() -> Response:
        state.reset()
        return jsonify(products=len(state.products))

    @app.post("/emulator/v1/faults")
    def add_faults() -> Response:
        body = _body()
        count, status = body.get("count", 1), body.get("status", 503)
        if (
            not isinstance(count, int)
            or not isinstance(status, int)
            or count < 1
            or not 400 <= status <= 599
        ):
            raise ErpRejection(
                422,
                "invalid",
                "count must be a positive integer and status an HTTP error (4xx/5xx)",
            )
        fault = Fault(
            status, bool(body.get("after_apply", False)), str(body.get("path_contains", ""))
        )
        state.add_fault(fault, count)
        return jsonify(pending=len(state.faults))

    @app.put("/emulator/v1/settings")
    def change_settings() -> Response:
        body = _body()
        state.honour_idempotency = bool(body.get("honour_idempotency", state.honour_idempotency))
        state.auto_invoice = bool(body.get("auto_invoice", state.auto_invoice))
        return jsonify(honour_idempotency=state.honour_idempotency, auto_invoice=state.auto_invoice)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="smartcart erp-emulator", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8300)
    parser.add_argument(
        "--token",
        default=os.environ.get("SMARTCART_ERP_TOKEN") or DEFAULT_TOKEN,
        help="API token clients must send (default: $SMARTCART_ERP_TOKEN or %(default)s)",
    )
    parser.add_argument(
        "--catalog", type=Path, help="JSON list of products (default: a generated sample)"
    )
    parser.add_argument("--products", type=int, default=300, help="size of the generated sample")
    args = parser.parse_args(argv)
    if not 0 < args.port < 65536:
        parser.error(f"--port {args.port} is not a TCP port (1-65535)")
    if args.products < 1:
        parser.error("--products must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    try:
        products = load_catalog(args.catalog) if args.catalog else sample_products(args.products)
        server = make_server(
            args.host, args.port, create_app(ErpState(products), token=args.token), threaded=True
        )
    except (ValueError, OSError) as exc:
        print(f"erp-emulator: {exc}", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    log.info("ERP emulator on http://%s:%s with %d products", args.host, args.port, len(products))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0
