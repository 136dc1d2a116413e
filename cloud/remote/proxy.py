"""The cloud end of one proxied request: into the store's tunnel, and the answer streamed back.

A request goes to the store's tunnel consumer through the channel layer (`tunnel.http_request`,
with this view's reply channel); the consumer routes the store's `http_response` frames to that
channel. Each body chunk passed to the client is acknowledged to the store, which keeps at most
a window of chunks unacknowledged, so a slow client slows the store instead of filling the
channel layer. docs/tunnel.md, "Remote access".
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import StreamingHttpResponse

from smartcart import tunnel_frames as frames
from smartcart.hop_by_hop import HOP_BY_HOP

from .access import Refusal
from .services import Attempt, record_request

log = logging.getLogger(__name__)
MAX_REQUEST_BODY = 128 * 1024  # one frame carries the whole request (base64 fits in 256 KiB)
AUDITS: set[asyncio.Task] = set()  # audit writes under way (a reference keeps each alive)
PREFIX = re.compile(r"/remote/(?P<store>[A-Za-z0-9_.-]{1,64})(?P<rest>/.*)?\Z", re.S)
RACK = re.compile(r"/racks/(?P<rack>[A-Za-z0-9_.+-]{1,64})(?P<rest>/.*)?\Z", re.S)
# The cloud's own credentials and anything that claims who or where the client is never reach
# the store: the store adds its own Authorization and X-SmartCart-Remote-User.
NOT_FORWARDED = HOP_BY_HOP | {
    "host", "authorization", "cookie", "content-length", "forwarded", "x-real-ip",
    "x-smartcart-remote-user", "accept-encoding",
}  # fmt: skip
NOT_RETURNED = HOP_BY_HOP | {"set-cookie", "www-authenticate"}
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}")
HEADER_TEXT = re.compile(r"[\x20-\x7e\t]{0,8000}")  # printable ASCII: no CR/LF to split a header


@dataclass
class Exchange:
    """One request in flight: where it goes, where its answer comes, and what to audit."""

    attempt: Attempt
    tunnel: str  # the store's tunnel consumer's channel
    reply: str  # this view's channel
    request_id: str
    started: float  # time.monotonic()


def split_path(request) -> tuple[str, str]:
    """(store code, the rest of the path) from the path exactly as the client sent it.

    The raw path, not Django's decoded one: `%2e%2e` or `%2f` must reach the store's checks
    as sent, not turned into `..` or `/` on the way.
    """
    raw = request.scope.get("raw_path") if hasattr(request, "scope") else None
    path = raw.decode("latin-1") if raw else request.path
    match = PREFIX.match(path)
    if not match:
        return "", path
    return match["store"], match["rest"] or "/"


def forwarded_headers(request) -> list[list[str]]:
    pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.scope["headers"]]
    named_hops = {
        token.strip().lower()
        for name, value in pairs
        if name.lower() == "connection"
        for token in value.split(",")
    }
    dropped = NOT_FORWARDED | named_hops
    return [
        [name, value]
        for name, value in pairs
        if name.lower() not in dropped and not name.lower().startswith(("proxy-", "x-forwarded-"))
    ]


def request_frame(request, attempt: Attempt, body: bytes) -> frames.Frame:
    target = {"target": "onprem", "rack": "", "path": attempt.path}
    rack = RACK.match(attempt.path)
    if rack:
        target = {"target": "rack", "rack": rack["rack"], "path": rack["rest"] or "/"}
    return frames.Frame(
        frames.HTTP_REQUEST,
        frames.new_id(),
        {
            **target,
            "method": request.method,
            "query": request.META.get("QUERY_STRING", ""),
            "headers": forwarded_headers(request),
            "body": base64.b64encode(body).decode(),
            "user": attempt.user.get_username(),
        },
        frames.now_iso(),
    )


def request_body(request) -> bytes:
    """The whole body, read before anything else looks at the request's stream."""
    try:
        body = request.body
    except RequestDataTooBig:
        body = b"x" * (MAX_REQUEST_BODY + 1)
    if len(body) > MAX_REQUEST_BODY:
        raise Refusal(
            413, "too_large", f"A proxied request's body is at most {MAX_REQUEST_BODY} bytes."
        )
    return body


async def open_exchange(
    request, attempt: Attempt, body: bytes, started: float
) -> StreamingHttpResponse:
    """Send the request into the store's tunnel and answer with its response, streamed."""
    if not attempt.store.tunnel_channel:
        raise Refusal(502, "store_offline", f"Store {attempt.store.code} has no tunnel open.")
    frame = request_frame(request, attempt, body)
    if len(frame.to_json()) > frames.MAX_FRAME_BYTES:
        raise Refusal(431, "too_large", "The request's headers and body are too large to proxy.")
    layer = get_channel_layer()
    # The default prefix: channels_redis reads every process-local channel of a process through
    # one receive loop keyed by that prefix; a channel of another prefix would wait its turn.
    exchange = Exchange(
        attempt, attempt.store.tunnel_channel, await layer.new_channel(), frame.id, started
    )
    await layer.send(
        exchange.tunnel,
        {"type": "tunnel.http_request", "request": frame.id, "reply": exchange.reply,
         "frame": frame.to_json()},
    )  # fmt: skip
    try:
        head = await next_piece(exchange)
    except TimeoutError:
        await cancel(exchange)
        raise Refusal(
            504, "store_timeout", f"Store {attempt.store.code} did not answer in time."
        ) from None
    return streamed(exchange, head)


def streamed(exchange: Exchange, head: dict) -> StreamingHttpResponse:
    attempt = exchange.attempt
    status = head.get("status")
    # A store is trusted to proxy, not to break the cloud: a status or header Django could not
    # send becomes a 502 or is left out, never a 500.
    attempt.status = status if type(status) is int and 100 <= status <= 599 else 502
    attempt.refused = str(head.get("refused") or "")[:300]
    response = StreamingHttpResponse(body_stream(exchange, head), status=attempt.status)
    for name, value in returned_headers(head.get("headers")):
        response[name] = value
    return response


def returned_headers(pairs: object) -> list[tuple[str, str]]:
    if not isinstance(pairs, list):
        return []
    return [
        (pair[0], pair[1])
        for pair in pairs
        if isinstance(pair, list) and len(pair) == 2
        and all(isinstance(x, str) for x in pair)
        and HEADER_NAME.fullmatch(pair[0]) and HEADER_TEXT.fullmatch(pair[1])
        and pair[0].lower() not in NOT_RETURNED
    ]  # fmt: skip


async def next_piece(exchange: Exchange) -> dict:
    layer = get_channel_layer()
    async with asyncio.timeout(settings.REMOTE_TIMEOUT_SECONDS):
        message = await layer.receive(exchange.reply)
    return message["body"]


class StreamBroken(Exception):
    """The store's answer stopped before its end: the client must see a broken response."""


async def body_stream(exchange: Exchange, piece: dict) -> AsyncIterator[bytes]:
    finished = False
    try:
        while True:
            chunk = decoded(piece)
            if chunk:
                exchange.attempt.bytes += len(chunk)
                yield chunk
            if piece.get("error"):
                exchange.attempt.refused = str(piece["error"])[:300]
                finished = True
                raise StreamBroken(exchange.attempt.refused)
            if piece.get("final"):
                finished = True
                return
            await acknowledge(exchange, piece.get("seq", 0))
            try:
                piece = await next_piece(exchange)
            except TimeoutError:
                exchange.attempt.refused = "the store stopped sending the body"
                raise StreamBroken(exchange.attempt.refused) from None
    finally:
        await asyncio.shield(finish(exchange, cancelled=not finished))


def decoded(piece: dict) -> bytes:
    try:
        return base64.b64decode(piece.get("data") or "", validate=True)
    except (binascii.Error, TypeError):
        raise StreamBroken("the store sent a body chunk that is not base64") from None


async def acknowledge(exchange: Exchange, seq: int) -> None:
    ack = frames.Frame(
        frames.HTTP_ACK, frames.new_id(), {"request": exchange.request_id, "seq": seq}
    )
    await get_channel_layer().send(
        exchange.tunnel, {"type": "tunnel.frame", "frame": ack.to_json()}
    )


async def cancel(exchange: Exchange) -> None:
    await get_channel_layer().send(
        exchange.tunnel, {"type": "tunnel.http_cancel", "request": exchange.request_id}
    )


async def finish(exchange: Exchange, *, cancelled: bool) -> None:
    if cancelled:  # the client went away (or the stream broke): the store stops too
        await cancel(exchange)
        if not exchange.attempt.refused:
            exchange.attempt.refused = "the client went away before the end"
    # The row is written beside the response's end, not before it: the write costs a few
    # milliseconds that a small API call should not wait for (docs/benchmarks.md).
    task = asyncio.create_task(audit(exchange.attempt, exchange.started))
    AUDITS.add(task)
    task.add_done_callback(AUDITS.discard)


async def audit(attempt: Attempt, started: float) -> None:
    duration_ms = round((time.monotonic() - started) * 1000)
    try:
        await database_sync_to_async(record_request)(attempt=attempt, duration_ms=duration_ms)
    except Exception:  # an audit write that fails must be seen, but must not break the answer
        log.exception("remote access audit row not written: %s", attempt)
