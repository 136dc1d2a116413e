"""Helpers for the store-command tests: run `command` frames through the store's handler."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from onprem.uplink.commands import CommandRunner, registry
from smartcart import tunnel_frames as frames


def command_frame(
    name: str, args: dict | None = None, *, frame_id: str = "cmd-1", expires_in: float = 600
) -> frames.Frame:
    expires = (datetime.now(UTC) + timedelta(seconds=expires_in)).isoformat().replace("+00:00", "Z")
    body = {"name": name, "args": args or {}, "expires_at": expires, "requested_by": "ops"}
    return frames.Frame(frames.COMMAND, frame_id, body)


async def handle(runner: CommandRunner, frame: frames.Frame) -> dict:
    """The ack the store sends for `frame`, as the cloud reads it."""
    sent: list[frames.Frame] = []

    async def send(answer: frames.Frame) -> None:
        sent.append(answer)

    await runner.handle(frame, send)
    [ack] = sent
    return ack.to_dict()


def ack_for(name: str, args: dict | None = None, *, commands: dict | None = None, **kw) -> dict:
    """Run one command frame through a fresh runner (the real registry unless `commands`)."""
    runner = CommandRunner(commands if commands is not None else registry())
    return asyncio.run(handle(runner, command_frame(name, args, **kw)))


class Counted:
    """A store command that counts its runs and can be held until the test lets it finish."""

    def __init__(self, hold: float = 0.0):
        self.runs, self.hold = 0, hold

    def __call__(self, args: dict) -> dict:
        import time

        self.runs += 1
        time.sleep(self.hold)
        return {"run": self.runs}


def post_command(
    cloud: dict, code: str, name: str, args: dict | None = None, ttl_s: int = 120
) -> dict:
    """POST a store command to the real cloud's ops API; the queued command."""
    import httpx

    response = httpx.post(
        f"{cloud['url']}/api/v1/stores/{code}/commands/",
        json={"name": name, "args": args or {}, "ttl_s": ttl_s},
        headers={"Authorization": f"Bearer {cloud['token']}"},
        timeout=10,
    )
    assert response.status_code == 202, response.text
    return response.json()


def wait_for_command(
    cloud: dict, command_id: str, *, states: tuple[str, ...], timeout: float
) -> dict:
    """Poll GET /api/v1/store-commands/{id}/ until the command is in one of `states`."""
    import time

    import httpx

    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {cloud['token']}"}
    while True:
        body = httpx.get(
            f"{cloud['url']}/api/v1/store-commands/{command_id}/", headers=headers, timeout=5
        ).json()
        if body["state"] in states:
            return body
        assert time.monotonic() < deadline, (
            f"command {command_id} still {body['state']} after {timeout} s"
        )
        time.sleep(0.2)


def wait_for_record(command_id: str, *, timeout: float):
    """The store's ReceivedCommand row once the uplink has taken the command."""
    import time

    from onprem.uplink.models import ReceivedCommand

    deadline = time.monotonic() + timeout
    while (record := ReceivedCommand.objects.filter(pk=command_id).first()) is None:
        assert time.monotonic() < deadline, f"the store never received {command_id}"
        time.sleep(0.1)
    return record


class SilentErp:
    """An ERP that accepts connections and never answers: every request runs to its timeout."""

    def __init__(self):
        import socket
        import threading

        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.held: list = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()
