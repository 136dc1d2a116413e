"""The HTTP surface: API v4 as documented under /api/, and the emulator's control API.

/api/ needs Basic auth (a bare 401 otherwise); every other failure answers
{"error_code", "error_message"}. /emulator/v1/ is ours, outside the documented surface, and
needs no auth so a conformance suite can drive the reader.
"""

from __future__ import annotations

import hmac
import uuid
from typing import Any

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from smartcart.cashless_api.codes import ERROR_CODES
from smartcart.emulators.cashless import control
from smartcart.emulators.cashless.catalog import price_text
from smartcart.emulators.cashless.faults import ApiFault
from smartcart.emulators.cashless.orders import parse_accreditation, parse_purchase
from smartcart.emulators.cashless.terminal import Terminal

HTTP_FAULTS = {400: "BadRequest", 404: "ResourceNotFound", 405: "MethodNotAllowed"}


def create_app(terminal: Terminal, *, username: str, password: str) -> Flask:
    app = Flask(__name__)
    app.config["terminal"] = terminal
    app.json.sort_keys = False
    _errors(app)
    _guard(app, terminal, username, password)
    _catalog_routes(app, terminal)
    _event_routes(app, terminal)
    for kind in ("purchase", "accredit"):
        _job_routes(app, terminal, kind)
    control.register(app, terminal)
    return app


def _errors(app: Flask) -> None:
    @app.errorhandler(ApiFault)
    def fault(exc: ApiFault):
        return jsonify(exc.body()), exc.http_status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = HTTP_FAULTS.get(exc.code or 500, "UnknownError")
        return jsonify({"error_code": code, "error_message": ERROR_CODES[code][1]}), exc.code

    @app.errorhandler(Exception)
    def crash(exc: Exception):
        app.logger.exception("emulator error")
        return jsonify(
            {"error_code": "UnknownError", "error_message": f"{type(exc).__name__}: {exc}"}
        ), 500


def _guard(app: Flask, terminal: Terminal, username: str, password: str) -> None:
    @app.before_request
    def authorize() -> Any:
        if not request.path.startswith("/api/"):
            return None
        auth = request.authorization
        if not (auth and _same(auth.username, username) and _same(auth.password, password)):
            return Response(status=401, headers={"WWW-Authenticate": 'Basic realm="cashless"'})
        if terminal.fail_next:  # control API: the next request fails with a chosen code
            raise ApiFault(
                terminal.fail_next.pop(0), "failure injected through the emulator control API"
            )
        if not terminal.active:
            raise ApiFault("ApiNotActive")
        return None


def _same(given: str | None, expected: str) -> bool:
    return hmac.compare_digest((given or "").encode(), expected.encode())


def data(value: Any) -> Response:
    return jsonify({"data": value})


def _catalog_routes(app: Flask, terminal: Terminal) -> None:
    catalog = terminal.catalog

    @app.get("/api/config/v4")
    def config():
        return data(catalog.config.to_wire())

    @app.get("/api/menu/v4")
    def menu():
        return data([node.to_wire() for node in catalog.menu])

    @app.get("/api/product/v4")
    def products():
        return data([_product(p) for p in catalog.products])

    @app.get("/api/field/v4")
    def field_definitions():
        return data(catalog.fields.to_wire())

    @app.get("/api/image/v4/<image_id>")
    def image(image_id: str):
        found = catalog.images.get(image_id)
        if found is None:
            raise ApiFault("ResourceNotFound", f"there is no image {image_id}")
        return Response(found.content, mimetype=found.content_type)

    @app.get("/api/tag-info/v4")
    @app.get("/api/tag_info/v4")  # the error table calls it tag_info
    def tag_info():
        return data(terminal.tag_info().to_wire())


def _product(product) -> dict:
    wire = product.to_wire()
    wire["priceInCredits"] = price_text(product.price_in_credits)
    wire["priceInCurrency"] = price_text(product.price_in_currency)
    return wire


def _event_routes(app: Flask, terminal: Terminal) -> None:
    listeners = terminal.dispatcher.listeners

    # The seed documents both POST /api/events/v4 and /api/v4/events/register|unregister.
    @app.post("/api/events/v4")
    @app.post("/api/events/v4/register")
    @app.post("/api/v4/events/register")
    def register():
        listeners.register(_listener_url())
        return Response(status=204)

    @app.post("/api/events/v4/unregister")
    @app.post("/api/v4/events/unregister")
    def unregister():
        listeners.unregister(_listener_url())
        return Response(status=204)


def _listener_url() -> str:
    body = request.get_json(silent=True)
    url = body.get("url") if isinstance(body, dict) else None
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ApiFault("BadRequest", 'the body must be {"url": "http://host:port/path"}')
    return url


def _job_routes(app: Flask, terminal: Terminal, kind: str) -> None:
    parse = parse_purchase if kind == "purchase" else parse_accreditation

    @app.post(f"/api/{kind}/v4/<job_id>/async", endpoint=f"{kind}_async")
    def start(job_id: str):
        job_id = _job_id(job_id)
        if job_id in terminal.jobs:
            raise ApiFault("ResourceAlreadyExists", f"a job with id {job_id} already exists")
        body = request.get_json(silent=True)
        if body is None:
            raise ApiFault("BadRequest", "the request body must be JSON")
        terminal.start_job(kind, job_id, parse(body, terminal.catalog))
        base = request.host_url.rstrip("/")
        return data(
            {
                "statusUrl": f"{base}/api/{kind}/v4/{job_id}/status",
                "cancellationUrl": f"{base}/api/{kind}/v4/{job_id}/cancel",
            }
        )

    @app.get(f"/api/{kind}/v4/<job_id>/status", endpoint=f"{kind}_status")
    def status(job_id: str):
        return data(terminal.job(kind, _job_id(job_id)).to_status().to_wire())

    @app.get(f"/api/{kind}/v4/<job_id>/cancel", endpoint=f"{kind}_cancel")
    def cancel(job_id: str):
        terminal.cancel(kind, _job_id(job_id))
        return Response(status=204)


def _job_id(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise ApiFault("BadRequest", f"job id {raw!r} is not a uuid") from None
