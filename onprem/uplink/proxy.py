"""The store end of the remote-access proxy (docs/tunnel.md, "Remote access").

The cloud sends `http_request`; this runs it against this store's own on-prem tier
(SMARTCART_REMOTE_ONPREM_URL) or a rack's announced page, never against a URL the cloud names,
and answers with `http_response` frames: a head (status, headers), then the body in chunks of
at most CHUNK_BYTES. At most WINDOW chunks go out before the cloud acknowledges one
(`http_ack`), so a slow client slows this down instead of filling the tunnel or the cloud's
channel layer. `http_cancel` (the cloud's client went away) stops the request.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
import time
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from onprem.core.tokens import issue_token
from smartcart import tunnel_frames as frames
from smartcart.hop_by_hop import HOP_BY_HOP

log = logging.getLogger(__name__)
CHUNK_BYTES = 128 * 1024  # base64 of it (171 KiB) keeps a frame under 256 KiB
WINDOW = 16  # chunks in flight before the store waits for the cloud's ack (2 MiB)
MAX_REQUEST_BODY = 128 * 1024
MAX_HEAD_BYTES = 32 * 1024
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
RACK_METHODS = {"GET", "HEAD"}  # the rack page only reads
# A path is plain characters only: no `@`, `\`, `?`, `#`, spaces or controls.
PATH_CHARS = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:/%]*")
# Escapes that could turn into `.`, `/`, `\`, `%` or NUL on the far side: `%2e%2e`, `%2f`, `%25…`.
SNEAKY_ESCAPES = re.compile(r"%(2e|2f|5c|25|00)", re.I)
QUERY_CHARS = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:/?%@\[\]|^`{}\"<>]*")
RACK_ID = re.compile(r"[A-Za-z0-9_.+-]{1,64}")
USER = re.compile(r"[A-Za-z0-9@.+_ -]{1,150}")
# Whatever the cloud sends, it never chooses the store's credentials, host or who is asking.
NOT_FORWARDED = HOP_BY_HOP | {
    "host", "authorization", "cookie", "content-length", "forwarded", "x-real-ip",
    "x-smartcart-remote-user", "x-smartcart-rack-authorization", "accept-encoding",
}  # fmt: skip
NOT_RETURNED = HOP_BY_HOP | {"set-cookie"}


class Refused(Exception):
    """A request the store will not run: answered with `status` and this sentence."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class Target:
    base_url: str  # scheme://host:port[/prefix], from this store's settings or its Rack table
    path: str
    rack: str = ""


@dataclass
class Flow:
    """A request in progress: its task (to cancel) and how far the cloud has acknowledged."""

    task: asyncio.Task
    acked: int = -1
    sent: int = -1  # the last seq sent: after the head, a failure can only end the body
    moved: asyncio.Event = field(default_factory=asyncio.Event)


def checked_path(path: object, prefixes: tuple[str, ...]) -> str:
    """`path` if it is a plain path under one of `prefixes`; Refused saying why not otherwise."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise Refused(400, "the path must start with / (absolute URLs are not proxied)")
    if len(path) > 2000 or not PATH_CHARS.fullmatch(path):
        raise Refused(400, "the path may hold only plain URL characters (no @, \\, spaces)")
    if "//" in path:
        raise Refused(400, "the path must not hold // (no other host or scheme)")
    if SNEAKY_ESCAPES.search(path):
        raise Refused(400, "the path must not hide . / \\ or % behind percent-escapes")
    if any(segment in {".", ".."} for segment in path.split("/")):
        raise Refused(400, "the path must not hold . or .. segments")
    if not path.startswith(prefixes):
        raise Refused(
            403, f"{path} is not under the remote-access allowlist: {', '.join(prefixes)}"
        )
    return path


def checked_query(query: object) -> str:
    if not isinstance(query, str) or len(query) > 4000 or not QUERY_CHARS.fullmatch(query):
        raise Refused(400, "the query string may hold only plain URL characters")
    return query


def request_headers(pairs: object, *, rack: bool) -> dict[str, str]:
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in pairs
    ):
        raise Refused(400, "headers must be a list of [name, value] strings")
    headers = {
        name: value
        for name, value in pairs
        if name.lower() not in NOT_FORWARDED
        and not name.lower().startswith(("proxy-", "x-forwarded-"))
    }
    if rack:  # the technician's Basic login for the rack page, sent under its own name
        login = next((v for n, v in pairs if n.lower() == "x-smartcart-rack-authorization"), "")
        if login:
            headers["Authorization"] = login
    headers["Accept-Encoding"] = "identity"
    return headers


def request_body(body: object) -> bytes:
    try:
        raw = base64.b64decode(body or "", validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise Refused(400, "the request body must be base64") from None
    if len(raw) > MAX_REQUEST_BODY:
        raise Refused(413, f"a proxied request's body is at most {MAX_REQUEST_BODY} bytes")
    return raw


def rack_page(rack_id: object) -> str:
    from onprem.fleet.models import Rack

    if not isinstance(rack_id, str) or not RACK_ID.fullmatch(rack_id):
        raise Refused(400, "a rack id is 1-64 letters, digits or - _ . +")
    rack = Rack.objects.filter(device_id=rack_id).only("page_url").first()
    if rack is None:
        raise Refused(404, f"no rack {rack_id} in this store")
    if not rack.page_url:
        raise Refused(404, f"rack {rack_id} announces no web page")
    return rack.page_url.rstrip("/")


def remote_ops_token(username: str) -> tuple[str, float]:
    """A fresh one-hour token (staff and ops scopes) for the store's remote-ops service user.

    The user is made on first use: staff, in the `ops` group, with no password, so nobody signs
    in as it; only this proxy holds its tokens. Returns (token, monotonic expiry).
    """
    user, made = get_user_model().objects.get_or_create(
        username=username, defaults={"is_staff": True}
    )
    if made:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get_or_create(name="ops")[0])
    issued = issue_token(username=username, scopes=["staff", "ops"], hours=1)
    left = (issued.expires - timezone.now() - timedelta(minutes=5)).total_seconds()
    return issued.token, time.monotonic() + left


class StoreProxy:
    """Runs the cloud's http_request frames; one per uplink, holding the flows in progress."""

    def __init__(self) -> None:
        self.flows: dict[str, Flow] = {}
        self.client: httpx.AsyncClient | None = None
        self.token: tuple[str, float] = ("", 0.0)

    def handlers(self) -> dict:
        return {
            frames.HTTP_REQUEST: self.on_request,
            frames.HTTP_ACK: self.on_ack,
            frames.HTTP_CANCEL: self.on_cancel,
        }

    async def on_ack(self, frame: frames.Frame, send) -> None:
        flow = self.flows.get(frame.body.get("request"))
        seq = frame.body.get("seq")
        if flow and isinstance(seq, int) and seq > flow.acked:
            flow.acked = seq
            flow.moved.set()

    async def on_cancel(self, frame: frames.Frame, send) -> None:
        flow = self.flows.pop(frame.body.get("request"), None)
        if flow:
            log.info("remote request %s cancelled by the cloud", frame.body.get("request"))
            flow.task.cancel()

    async def on_request(self, frame: frames.Frame, send) -> None:
        self.flows[frame.id] = Flow(asyncio.current_task())
        started, body = time.monotonic(), frame.body
        outcome = "cancelled"
        try:
            async with asyncio.timeout(settings.REMOTE_MAX_SECONDS):
                outcome = await self.answer(frame, send)
        except Refused as refusal:
            outcome = f"{refusal.status} refused: {refusal}"
            await self.fail(frame.id, refusal, send)
        except TimeoutError:
            outcome = "timed out"
            await self.fail(frame.id, Refused(504, "the store's answer took too long"), send)
        except httpx.HTTPError as exc:  # the target broke off in the middle of the body
            outcome = f"broken: {type(exc).__name__}"
            await self.fail(
                frame.id, Refused(502, f"the answer broke off: {type(exc).__name__}"), send
            )
        finally:
            self.flows.pop(frame.id, None)
            log.info(
                "remote request id=%s user=%s %s %s%s -> %s in %.0f ms",
                frame.id, body.get("user"), body.get("method"),
                f"rack {body.get('rack')} " if body.get("rack") else "", body.get("path"),
                outcome, (time.monotonic() - started) * 1000,
            )  # fmt: skip

    async def answer(self, frame: frames.Frame, send) -> str:
        target, method, headers, content = await self.prepared(frame.body)
        url = (
            target.base_url
            + target.path
            + (f"?{q}" if (q := checked_query(frame.body.get("query", ""))) else "")
        )
        try:
            request = self.http().build_request(method, url, headers=headers, content=content)
            response = await self.http().send(request, stream=True)
        except httpx.TimeoutException:
            raise Refused(
                504, f"{'the rack page' if target.rack else 'the store'} did not answer in time"
            ) from None
        except httpx.HTTPError as exc:
            where = f"rack {target.rack}'s page" if target.rack else "the store's on-prem tier"
            raise Refused(502, f"{where} cannot be reached: {type(exc).__name__}") from None
        try:
            return await self.relay(frame.id, response, send)
        finally:
            await response.aclose()

    async def prepared(self, body: dict) -> tuple[Target, str, dict, bytes]:
        method = body.get("method")
        rack = body.get("target") == "rack"
        if method not in (RACK_METHODS if rack else METHODS):
            raise Refused(
                405, f"method {method!r} is not proxied {'to a rack page' if rack else ''}".strip()
            )
        if rack:
            path = checked_path(body.get("path"), ("/",))
            target = Target(
                await database_sync_to_async(rack_page)(body.get("rack")), path, body["rack"]
            )
        else:
            path = checked_path(body.get("path"), settings.REMOTE_ALLOWED_PREFIXES)
            target = Target(settings.REMOTE_ONPREM_URL, path)
        headers = request_headers(body.get("headers", []), rack=rack)
        user = body.get("user")
        if not isinstance(user, str) or not USER.fullmatch(user):
            raise Refused(
                400, "the request must name the cloud user (letters, digits, @ . + _ - space)"
            )
        headers["X-SmartCart-Remote-User"] = user
        if not rack:
            headers["Authorization"] = f"Bearer {await self.bearer()}"
        return target, method, headers, request_body(body.get("body"))

    async def bearer(self) -> str:
        token, good_until = self.token
        if not token or time.monotonic() > good_until:
            self.token = await database_sync_to_async(remote_ops_token)(settings.REMOTE_USER)
        return self.token[0]

    def http(self) -> httpx.AsyncClient:
        if self.client is None:
            # trust_env=False: no HTTP(S)_PROXY from the environment; redirects go back as is.
            self.client = httpx.AsyncClient(
                timeout=httpx.Timeout(settings.REMOTE_TIMEOUT_SECONDS), trust_env=False,
                follow_redirects=False, limits=httpx.Limits(max_connections=32),
            )  # fmt: skip
        return self.client

    async def relay(self, request_id: str, response: httpx.Response, send) -> str:
        """The head, then the body in acknowledged chunks; the last piece says final."""
        limit = settings.REMOTE_MAX_RESPONSE_MB * 2**20
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise Refused(
                502, f"the response is over the {settings.REMOTE_MAX_RESPONSE_MB} MB limit"
            )
        pending = head_piece(request_id, response)
        sent = 0
        async for chunk in response.aiter_raw(CHUNK_BYTES):
            sent += len(chunk)
            if sent > limit:
                raise Refused(
                    502, f"the response is over the {settings.REMOTE_MAX_RESPONSE_MB} MB limit"
                )
            if "data" in pending:
                await self.send_in_window(request_id, pending, send)
                pending = piece(request_id, pending["seq"] + 1)
            pending["data"] = base64.b64encode(chunk).decode()
        pending["final"] = True
        await self.emit(request_id, pending, send)
        return f"{response.status_code} {sent} bytes"

    async def send_in_window(self, request_id: str, body: dict, send) -> None:
        flow = self.flows.get(request_id)
        while flow and body["seq"] - flow.acked > WINDOW:
            flow.moved.clear()
            # A cloud that stopped acknowledging (its process died) must not hold this forever.
            async with asyncio.timeout(settings.REMOTE_TIMEOUT_SECONDS):
                await flow.moved.wait()
        await self.emit(request_id, body, send)

    async def emit(self, request_id: str, body: dict, send) -> None:
        await send(frames.Frame(frames.HTTP_RESPONSE, f"{request_id}.{body['seq']}", body))
        if flow := self.flows.get(request_id):
            flow.sent = body["seq"]

    async def fail(self, request_id: str, refusal: Refused, send) -> None:
        """Before the head: a whole refusal answer. After it: a last piece saying what broke."""
        flow = self.flows.get(request_id)
        if flow is None or flow.sent < 0:
            await send(refusal_frame(request_id, refusal))
            return
        await self.emit(
            request_id, piece(request_id, flow.sent + 1, final=True, error=str(refusal)), send
        )


def head_piece(request_id: str, response: httpx.Response) -> dict:
    headers = [
        [name, value]
        for name, value in response.headers.multi_items()
        if name.lower() not in NOT_RETURNED
    ]
    if sum(len(n) + len(v) for n, v in headers) > MAX_HEAD_BYTES:
        raise Refused(502, f"the response's headers are over {MAX_HEAD_BYTES} bytes")
    return {"request": request_id, "seq": 0, "status": response.status_code, "headers": headers}


def piece(request_id: str, seq: int, **extra) -> dict:
    return {"request": request_id, "seq": seq, **extra}


def refusal_frame(request_id: str, refusal: Refused) -> frames.Frame:
    text = json.dumps({"error": "refused", "detail": f"The store refused: {refusal}."})
    return frames.Frame(
        frames.HTTP_RESPONSE,
        f"{request_id}.0",
        {
            "request": request_id,
            "seq": 0,
            "status": refusal.status,
            "headers": [["Content-Type", "application/json"]],
            "data": base64.b64encode(text.encode()).decode(),
            "refused": str(refusal),
            "final": True,
        },
    )


def frame_handlers() -> dict:
    """Frame type → async handler(frame, send) for the uplink."""
    return StoreProxy().handlers()
