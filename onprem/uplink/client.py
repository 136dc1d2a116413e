"""The store end of the tunnel: connect out, heartbeat, reconnect with backoff (docs/tunnel.md).

No Django here: the command hands in the heartbeat builder, so this loop can be read (and
driven) on its own.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from smartcart import tunnel_frames as frames

log = logging.getLogger(__name__)
TUNNEL_PATH = "/ws/tunnel/v1/"
MAX_MESSAGE_BYTES = 2**20
WS_SCHEMES = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
Send = Callable[[frames.Frame], Awaitable[None]]
FrameHandler = Callable[[frames.Frame, Send], Awaitable[None]]


class Report(Protocol):
    """A frame the store sends on its own while something changed (the OTA report), resent
    until the cloud acks its id."""

    interval: float

    def new_connection(self) -> None: ...

    async def next_frame(self) -> frames.Frame | None: ...

    async def acked(self, frame_id: str) -> None: ...


def tunnel_url(cloud_url: str) -> str:
    """The tunnel endpoint under SMARTCART_CLOUD_URL (http(s) is read as ws(s))."""
    parts = urlsplit(cloud_url)
    path = parts.path.rstrip("/") + TUNNEL_PATH
    return urlunsplit((WS_SCHEMES[parts.scheme], parts.netloc, path, "", ""))


@dataclass
class Backoff:
    """Exponential backoff with full jitter: a cloud restart is not met by every store at once."""

    base: float = 1.0
    cap: float = 30.0
    rng: Callable[[], float] = random.random
    attempt: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2**self.attempt)
        self.attempt += 1
        return self.rng() * ceiling

    def max_attempt(self) -> int:
        """The first attempt whose ceiling is the cap."""
        return max(0, math.ceil(math.log2(self.cap / self.base)))

    def reset(self) -> None:
        self.attempt = 0


@dataclass
class Uplink:
    url: str
    store: str
    key: str
    heartbeat_seconds: float
    build_heartbeat: Callable[[], Awaitable[dict]]
    backoff: Backoff = field(default_factory=Backoff)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    # Frame type → async handler(frame, send) for what the cloud sends down (commands, proxied
    # HTTP). Each frame runs as its own task, so a slow one never holds the receive loop.
    handlers: dict[str, FrameHandler] = field(default_factory=dict)
    reports: list[Report] = field(default_factory=list)
    up: bool = field(default=False, init=False)  # the cloud acked a heartbeat on this connection
    tasks: set[asyncio.Task] = field(default_factory=set, init=False)  # frames being handled

    async def run(self) -> None:
        """Hold the tunnel open until `stopping` is set, reconnecting after every loss."""
        while not self.stopping.is_set():
            try:
                await self.session()
            except ConnectionClosed as exc:
                self.log_close(exc)
            except (OSError, InvalidHandshake, TimeoutError) as exc:
                log.warning("uplink cannot reach %s: %s", self.url, exc or type(exc).__name__)
            except Exception:  # the tunnel is the store's lifeline: log, back off, try again
                log.exception("uplink session failed")
            if not self.stopping.is_set():
                await self.pause(self.backoff.next_delay())
        log.info("uplink stopped")

    async def pause(self, delay: float) -> None:
        log.info("uplink reconnecting in %.1f s", delay)
        try:
            await asyncio.wait_for(self.stopping.wait(), delay)
        except TimeoutError:
            pass

    async def session(self) -> None:
        headers = {"X-SmartCart-Store": self.store, "Authorization": f"Bearer {self.key}"}
        # max_size: a cloud message over 1 MiB closes the socket (1009) and the store reconnects;
        # up to that, decode() answers anything over MAX_FRAME_BYTES with too_large.
        async with connect(
            self.url, additional_headers=headers, open_timeout=10, max_size=MAX_MESSAGE_BYTES
        ) as ws:
            self.up = False
            log.debug("uplink handshake done with %s as store=%s", self.url, self.store)
            for report in self.reports:
                report.new_connection()
            reporting = [self.reporting(ws, report) for report in self.reports]
            tasks = {
                asyncio.create_task(c)
                for c in (self.heartbeats(ws), self.receive(ws), self.stopping.wait(), *reporting)
            }
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            running = pending | self.tasks
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            if self.stopping.is_set():
                await ws.close(1000, "store uplink stopping")
                log.info("uplink closed the tunnel")
                return
            for task in done:
                task.result()  # re-raises ConnectionClosed and friends for run() to log
            log.warning(
                "the cloud closed the tunnel code=%s reason=%s",
                ws.close_code,
                ws.close_reason or "-",
            )

    async def heartbeats(self, ws: ClientConnection) -> None:
        while True:
            frame = frames.heartbeat(await self.build_heartbeat())
            await ws.send(frame.to_json())
            log.debug("heartbeat sent id=%s status=%s", frame.id, frame.body.get("status"))
            await asyncio.sleep(self.heartbeat_seconds)

    async def reporting(self, ws: ClientConnection, report: Report) -> None:
        while True:
            try:
                frame = await report.next_frame()
            except Exception:  # a report that cannot be built must not cost the tunnel
                log.exception("uplink could not build a %s report", type(report).__name__)
                frame = None
            if frame is not None:
                await ws.send(frame.to_json())
                log.debug("report sent id=%s type=%s", frame.id, frame.type)
            await asyncio.sleep(report.interval)

    async def receive(self, ws: ClientConnection) -> None:
        async for message in ws:
            try:
                frame = frames.decode(message)
            except frames.FrameError as exc:
                log.warning("uplink got a bad frame from the cloud: %s %s", exc.code, exc)
                await ws.send(frames.error(exc.frame_id, exc.code, str(exc)).to_json())
                continue
            try:
                await self.dispatch(ws, frame)
            except ConnectionClosed:
                raise
            except Exception:  # one frame must not cost the store its tunnel
                log.exception("uplink could not handle frame %s type=%r", frame.id, frame.type)

    async def dispatch(self, ws: ClientConnection, frame: frames.Frame) -> None:
        if frame.type == frames.ACK:
            # The cloud recorded a heartbeat: this connection works, so the next loss starts
            # its backoff from the bottom again.
            if not self.up:
                log.info("tunnel up to %s as store=%s", self.url, self.store)
            self.up = True
            self.backoff.reset()
            for report in self.reports:
                await report.acked(frame.id)
        elif frame.type == frames.ERROR:
            log.warning(
                "cloud answered frame %s with %s: %s",
                frame.id,
                frame.body.get("code"),
                frame.body.get("message"),
            )
        elif frame.type in self.handlers:
            self.spawn(ws, frame)
        else:
            known = [frames.ACK, frames.ERROR, *self.handlers]
            await ws.send(frames.unknown_type(frame, known).to_json())

    def spawn(self, ws: ClientConnection, frame: frames.Frame) -> None:
        async def send(answer: frames.Frame) -> None:
            await ws.send(answer.to_json())

        async def run() -> None:
            try:
                await self.handlers[frame.type](frame, send)
            except (ConnectionClosed, asyncio.CancelledError):
                raise
            except Exception:  # one frame must not cost the store its tunnel
                log.exception("uplink could not handle frame %s type=%r", frame.id, frame.type)
                await send(
                    frames.error(
                        frame.id, "internal_error", "the store could not handle this frame"
                    )
                )

        task = asyncio.create_task(run())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def log_close(self, exc: ConnectionClosed) -> None:
        code = exc.rcvd.code if exc.rcvd else None
        if code == frames.CLOSE_UNAUTHORIZED:
            # Retrying quickly cannot fix a key: wait the longest pause between attempts.
            self.backoff.attempt = max(self.backoff.attempt, self.backoff.max_attempt())
            log.error(
                "cloud refused store=%s (4401): check SMARTCART_CLOUD_STORE_KEY and the store registry",
                self.store,
            )
        elif code == frames.CLOSE_REPLACED:
            log.warning(
                "cloud closed this tunnel (4409): another uplink of store=%s connected", self.store
            )
        else:
            sent = exc.sent.code if exc.sent else None
            log.warning(
                "tunnel lost code=%s reason=%s (this end closed with %s)",
                code,
                exc.rcvd.reason if exc.rcvd else "-",
                sent or "-",
            )
