"""The emulator's control API (/emulator/v1/), outside the documented surface.

POST /emulator/v1/tag puts an NfcTag on the reader (documented fields, missing ones
defaulted, {"invalid": true} for a broken tag) until DELETE /emulator/v1/tag. The settings
let tests switch the API off, lose events, slow down cancellation or inject an error code.
"""

from __future__ import annotations

from flask import Flask, Response, jsonify, request

from smartcart.cashless_api.codes import ERROR_CODES
from smartcart.emulators.cashless.faults import ApiFault
from smartcart.emulators.cashless.terminal import Terminal

PREFIX = "/emulator/v1"


def register(app: Flask, terminal: Terminal) -> None:
    _reader_routes(app, terminal)
    _inspection_routes(app, terminal)
    _settings_routes(app, terminal)


def _reader_routes(app: Flask, terminal: Terminal) -> None:
    @app.post(f"{PREFIX}/tag")
    def present_tag():
        body = request.get_json(silent=True) if request.data else {}
        if not isinstance(body, dict):
            raise ApiFault(
                "BadRequest", 'the body must be an NfcTag JSON object (or {"invalid": true})'
            )
        try:
            tag = terminal.present_tag(body)
        except (TypeError, ValueError) as exc:
            raise ApiFault("BadRequest", f"the tag is not usable: {exc}") from None
        return jsonify({"data": tag.to_wire() if tag else None, "invalid": tag is None})

    @app.delete(f"{PREFIX}/tag")
    def remove_tag():
        terminal.remove_tag()
        return Response(status=204)

    @app.get(f"{PREFIX}/tag")
    def reader_tag():
        return jsonify({"data": terminal.tag_info().to_wire()})


def _inspection_routes(app: Flask, terminal: Terminal) -> None:
    @app.get(f"{PREFIX}/tags")
    def known_tags():
        with terminal.lock:
            return jsonify({"data": [tag.to_wire() for tag in terminal.tags.values()]})

    @app.get(f"{PREFIX}/jobs")
    def jobs():
        with terminal.lock:
            return jsonify(
                {
                    "data": [
                        {"kind": j.kind, **j.to_status().to_wire()} for j in terminal.jobs.values()
                    ]
                }
            )

    @app.get(f"{PREFIX}/listeners")
    def listeners():
        return jsonify({"data": terminal.dispatcher.listeners.snapshot()})

    @app.get(f"{PREFIX}/events")
    def delivered_events():
        return jsonify({"data": list(terminal.dispatcher.log)})

    @app.get(f"{PREFIX}/status")
    def status():
        return jsonify({"data": {"emulator": "cashless", "apiVersion": 4, **_settings(terminal)}})


def _settings_routes(app: Flask, terminal: Terminal) -> None:
    @app.get(f"{PREFIX}/settings")
    def settings():
        return jsonify({"data": _settings(terminal)})

    @app.post(f"{PREFIX}/settings")
    def change_settings():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise ApiFault("BadRequest", "the body must be a JSON object of settings")
        _apply(terminal, body)
        return jsonify({"data": _settings(terminal)})

    @app.post(f"{PREFIX}/reset")
    def reset():
        terminal.reset()
        terminal.dispatcher.listeners.clear()
        terminal.dispatcher.log.clear()
        terminal.dispatcher.drop = False
        return Response(status=204)


def _settings(terminal: Terminal) -> dict:
    return {
        "active": terminal.active,
        "dropEvents": terminal.dispatcher.drop,
        "cancelDelaySeconds": terminal.cancel_delay,
        "failNext": list(terminal.fail_next),
    }


def _apply(terminal: Terminal, body: dict) -> None:
    unknown = set(body) - {"active", "dropEvents", "cancelDelaySeconds", "failNext"}
    if unknown:
        raise ApiFault("BadRequest", f"unknown settings: {', '.join(sorted(unknown))}")
    if "failNext" in body:
        codes = body["failNext"] if isinstance(body["failNext"], list) else [body["failNext"]]
        bad = [code for code in codes if code not in ERROR_CODES]
        if bad:
            raise ApiFault("BadRequest", f"not error codes of API v4: {bad}")
        terminal.fail_next = list(codes)
    if "active" in body:
        terminal.active = bool(body["active"])
    if "dropEvents" in body:
        terminal.dispatcher.drop = bool(body["dropEvents"])
    if "cancelDelaySeconds" in body:
        delay = body["cancelDelaySeconds"]
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or not 0 <= delay <= 60:
            raise ApiFault("BadRequest", "cancelDelaySeconds must be a number from 0 to 60")
        terminal.cancel_delay = float(delay)
