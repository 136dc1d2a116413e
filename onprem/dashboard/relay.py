"""The dashboard's messages from ingest to the web server on the embedded default.

With Redis (production, CI) every process reaches the consumers through channels_redis. Without
it the channel layer is in-memory: ingest and the web server are separate processes with a group
each, and ingest's deltas would reach nobody. So ingest sends each message as one datagram to a
Unix socket that the web server binds when its first dashboard consumer connects
(RUN_DIR/dashboard-<store>.sock), and one thread there puts them into its in-memory group.

Why not MQTT (the broker is at hand): ingest subscribes to `#` and dead-letters every topic that
is not a device's, so each delta would cost a dead letter. A datagram is fire-and-forget like
QoS 0: with no web server listening (or a full buffer) it is dropped, and the page's snapshot on
(re)connect catches up. One web process per store on the embedded default.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import logging
import os
import socket
import threading
from pathlib import Path

from channels.layers import get_channel_layer
from django.conf import settings

log = logging.getLogger(__name__)
MAX_DATAGRAM = 200_000  # Linux's default socket buffer; broadcast.py keeps messages far below


def in_memory_layer() -> bool:
    return settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")


def socket_path() -> Path:
    return Path(settings.RUN_DIR) / f"dashboard-{settings.STORE_ID}.sock"


class Relay:
    """The web server's end (listen/deliver) and ingest's end (forward) of the socket."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loop: asyncio.AbstractEventLoop | None = None
        self.path: Path | None = None
        self.sock: socket.socket | None = None
        self.out = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.out.setblocking(False)

    def listen(self, loop: asyncio.AbstractEventLoop) -> None:
        """Called by each consumer on connect, in the server's event loop: the first one binds
        the socket and starts the thread; later ones only keep `loop` current."""
        with self.lock:
            self.loop = loop
            path = socket_path()
            if self.path == path:
                return
            self.close()
            path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()  # left by a server that is gone
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            try:
                sock.bind(str(path))
            except OSError as exc:  # e.g. a path over 107 bytes: pages still get snapshots
                sock.close()
                log.warning("dashboard relay cannot listen on %s (%s): ingest's deltas will not "
                            "reach this server's pages until they reconnect", path, exc)
                return
            self.sock, self.path = sock, path
            atexit.register(remove_socket, path)
            threading.Thread(target=self.receive, args=(sock,), name="dashboard-relay", daemon=True).start()
            log.info("dashboard relay listening on %s", path)

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = self.path = None

    def listening(self) -> bool:
        return self.sock is not None and self.path == socket_path()

    def receive(self, sock: socket.socket) -> None:
        while True:
            try:
                data = sock.recv(MAX_DATAGRAM)
            except OSError:
                return  # closed: a newer socket took over
            try:
                self.deliver(json.loads(data))
            except Exception:  # noqa: BLE001 - one bad datagram must not stop the relay
                log.exception("dashboard relay could not deliver a message of %d bytes", len(data))

    def deliver(self, message: dict) -> None:
        """Into this process's group, on the server's loop (the in-memory layer's queues
        belong to it; another thread must not touch them directly)."""
        from .broadcast import store_group

        loop = self.loop
        if loop is None or loop.is_closed():
            return
        asyncio.run_coroutine_threadsafe(get_channel_layer().group_send(store_group(), message), loop)

    def forward(self, message: dict) -> None:
        """Send a message to the store's consumers: here, if they are here, else to the web
        server's socket (dropped when nobody listens, like QoS 0)."""
        if self.listening():
            self.deliver(message)
            return
        data = json.dumps(message, separators=(",", ":")).encode()
        try:
            self.out.sendto(data, str(socket_path()))
        except OSError as exc:  # no web server, a stale socket file, a full buffer
            log.debug("dashboard relay dropped a message (%s): %s", os.strerror(exc.errno or 0), exc)


def remove_socket(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


RELAY = Relay()
