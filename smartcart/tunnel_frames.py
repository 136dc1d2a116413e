"""The tunnel's wire format: versioned JSON frames, the same on both ends (no Django here).

Every frame is one JSON object `{"v": 1, "type": ..., "id": ..., ...}`. `id` names the frame
so that its answer can refer to it: an `ack` or `error` carries the `id` of the frame it
answers. docs/tunnel.md describes each type and the connection rules.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from smartcart import strictjson

VERSION = 1
HEARTBEAT = "heartbeat"
ACK = "ack"
ERROR = "error"
# Down the chain (docs/tunnel.md): a store command from the cloud outbox (answered by an `ack`
# with its result), and the remote-access proxy's request/response pairs, correlated by id.
COMMAND = "command"
HTTP_REQUEST = "http_request"
HTTP_RESPONSE = "http_response"
# Remote access flow control and cancellation (docs/tunnel.md, "Remote access"): the cloud
# acknowledges each body chunk it passed on, and cancels a request whose client went away.
HTTP_ACK = "http_ack"
HTTP_CANCEL = "http_cancel"
# Firmware update progress, store to cloud (docs/ota.md): jobs, campaign figures and device
# firmware; the cloud answers with an `ack` of the same id, after which the store stops resending.
OTA_REPORT = "ota_report"
# On-prem software update progress, store to cloud (cloud/software, onprem/software): the
# updater's steps for a rollout; acked by id like ota_report.
SOFTWARE_REPORT = "software_report"
MAX_FRAME_BYTES = 256 * 1024
# Deep enough for any frame we define (a heartbeat is 4 levels), shallow enough that no JSON
# parser, encoder or database JSON type on either end ever recurses near its limit.
MAX_DEPTH = 32
# The longest text a heartbeat field may hold (a component's detail): the store clips, the
# cloud refuses longer.
MAX_HEARTBEAT_TEXT = 500
FRAME_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")

# Close codes (4000-4999 are the application's own range in RFC 6455).
CLOSE_UNAUTHORIZED = 4401
CLOSE_REPLACED = 4409


class FrameError(ValueError):
    """A frame that cannot be read; `code` is the machine word sent back in the error frame."""

    def __init__(self, code: str, message: str, frame_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.frame_id = frame_id


@dataclass(frozen=True)
class Frame:
    type: str
    id: str
    body: dict = field(default_factory=dict)
    sent_at: str | None = None

    def to_dict(self) -> dict:
        frame = {"v": VERSION, "type": self.type, "id": self.id, "body": self.body}
        if self.sent_at:
            frame["sent_at"] = self.sent_at
        return frame

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"))


def new_id() -> str:
    return uuid.uuid4().hex


def now_iso() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def heartbeat(body: dict) -> Frame:
    return Frame(HEARTBEAT, new_id(), body, now_iso())


def ack(frame_id: str, **body) -> Frame:
    return Frame(ACK, frame_id, body)


def error(frame_id: str | None, code: str, message: str) -> Frame:
    return Frame(ERROR, frame_id or "", {"code": code, "message": message})


def parse(data: object) -> Frame:
    """A Frame from decoded JSON, or FrameError saying what is wrong with it."""
    if not isinstance(data, dict):
        raise FrameError("bad_frame", "a frame must be a JSON object")
    frame_id = data.get("id")
    if not isinstance(frame_id, str) or not FRAME_ID.fullmatch(frame_id):
        raise FrameError(
            "bad_frame", "a frame needs an id: 1-64 characters from A-Z a-z 0-9 . _ : -"
        )
    if data.get("v") != VERSION:
        raise FrameError(
            "unsupported_version", f"frame version {data.get('v')!r} is not {VERSION}", frame_id
        )
    kind, body = data.get("type"), data.get("body", {})
    if not isinstance(kind, str) or not kind:
        raise FrameError("bad_frame", "a frame needs a type", frame_id)
    if not isinstance(body, dict):
        raise FrameError("bad_frame", "a frame's body must be a JSON object", frame_id)
    sent_at = data.get("sent_at")
    return Frame(kind, frame_id, body, sent_at if isinstance(sent_at, str) else None)


def decode(text: str | bytes) -> Frame:
    """Parse one message from the socket into a Frame; anything unreadable is a FrameError.

    Only UTF-8 JSON text is read. The size and nesting depth are checked before parsing, so a
    hostile frame costs one linear pass and never reaches a recursive parser deep enough to
    raise RecursionError.
    """
    if not isinstance(text, str):
        raise FrameError("bad_frame", "binary frames are not read: send JSON as a text frame")
    if len(text) > MAX_FRAME_BYTES or utf8_size(text) > MAX_FRAME_BYTES:
        raise FrameError("too_large", f"a frame is at most {MAX_FRAME_BYTES} bytes")
    if text.startswith("\ufeff"):
        raise FrameError("bad_frame", "not JSON: a frame must not start with a byte order mark")
    if strictjson.nests_deeper_than(text, MAX_DEPTH):
        raise FrameError("bad_frame", f"a frame nests at most {MAX_DEPTH} levels deep")
    try:
        data = strictjson.loads(text)
    except ValueError as exc:  # JSONDecodeError, NaN/Infinity/1e400, an integer of 4,300+ digits
        raise FrameError("bad_frame", f"not JSON: {getattr(exc, 'msg', exc)}") from None
    return parse(data)


def utf8_size(text: str) -> int:
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:  # a lone surrogate: not text any UTF-8 socket could carry
        raise FrameError("bad_frame", "not UTF-8 text: the frame holds a lone surrogate") from None


def unknown_type(frame: Frame, known: list[str]) -> Frame:
    return error(
        frame.id,
        "unknown_type",
        f"unknown frame type {frame.type!r}: this end handles {', '.join(known)}",
    )
