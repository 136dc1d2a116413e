"""The release manifest: what an image is, for which hardware, until when, signed by whom.

A manifest is one JSON object. The signature covers the canonical JSON of every other field
(sorted keys, no spaces, UTF-8), so neither a re-indented file nor a reordered key breaks it,
and no field can be added or changed without breaking it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

FORMAT = 1
HARDWARE = ("cart-v1", "rack-v1", "onprem-v1")
CHANNELS = ("stable", "testing")
VERSION = re.compile(r"(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})")
SHA256 = re.compile(r"[0-9a-f]{64}")
KEY_ID = re.compile(r"[0-9a-f]{16}")
ARTIFACT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
MAX_MANIFEST_BYTES = 16 * 1024
SIGNED_FIELDS = (
    "format",
    "version",
    "hardware",
    "channel",
    "sha256",
    "size",
    "created",
    "expires",
    "key_id",
    "artifact",
)


class Refused(ValueError):
    """A release that must not be used; `code` is the machine word, the text the sentence."""

    def __init__(self, code: str, sentence: str):
        super().__init__(sentence)
        self.code = code

    def line(self) -> str:
        return f"refused: {self.code}: {self}"


def parse_version(text: object) -> tuple[int, int, int]:
    if not isinstance(text, str) or not VERSION.fullmatch(text):
        raise Refused("malformed", f"version {text!r} is not MAJOR.MINOR.PATCH (e.g. 1.4.0)")
    return tuple(int(part) for part in text.split("."))  # type: ignore[return-value]


def compare_versions(a: str, b: str) -> int:
    """-1, 0 or 1 as version a is older than, the same as, or newer than b."""
    left, right = parse_version(a), parse_version(b)
    return (left > right) - (left < right)


def parse_time(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise Refused("malformed", f"{name} must be an ISO 8601 time with a zone")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refused("malformed", f"{name} {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise Refused("malformed", f"{name} {value!r} has no time zone")
    return moment


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Manifest:
    version: str
    hardware: str
    channel: str
    sha256: str
    size: int
    created: str
    expires: str
    key_id: str
    artifact: str
    signature: str = ""
    format: int = FORMAT

    def signed_fields(self) -> dict:
        data = asdict(self)
        return {name: data[name] for name in SIGNED_FIELDS}

    def signed_bytes(self) -> bytes:
        return canonical(self.signed_fields())

    def to_dict(self) -> dict:
        return {**self.signed_fields(), "signature": self.signature}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    @property
    def expires_at(self) -> datetime:
        return parse_time(self.expires, "expires")

    @property
    def created_at(self) -> datetime:
        return parse_time(self.created, "created")

    @classmethod
    def parse(cls, raw: bytes | str | dict) -> Manifest:
        """The manifest's fields, checked for shape (not yet for signature): Refused/malformed."""
        data = raw if isinstance(raw, dict) else read_json(raw)
        expected = {*SIGNED_FIELDS, "signature"}
        if set(data) != expected:
            missing, extra = sorted(expected - set(data)), sorted(set(data) - expected)
            what = "; ".join(
                part
                for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"unknown {', '.join(extra)}" if extra else "",
                )
                if part
            )
            raise Refused("malformed", f"the manifest's fields are wrong: {what}")
        if type(data["format"]) is not int or data["format"] != FORMAT:
            raise Refused("malformed", f"manifest format {data['format']!r} is not {FORMAT}")
        manifest = cls(**data)
        manifest.check_shape()
        return manifest

    def check_shape(self) -> None:
        parse_version(self.version)
        texts = ("hardware", "channel", "sha256", "created", "expires", "key_id", "artifact")
        for name in texts:
            if not isinstance(getattr(self, name), str):
                raise Refused("malformed", f"{name} must be a text")
        if not SHA256.fullmatch(self.sha256):
            raise Refused("malformed", "sha256 must be 64 lowercase hex digits")
        if not KEY_ID.fullmatch(self.key_id):
            raise Refused("malformed", "key_id must be 16 lowercase hex digits")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise Refused("malformed", "size must be a whole number of bytes above 0")
        if self.channel not in CHANNELS:
            raise Refused("malformed", f"channel {self.channel!r} is not one of {', '.join(CHANNELS)}")
        if not ARTIFACT_NAME.fullmatch(self.artifact):
            raise Refused("malformed", "artifact must be a plain file name")
        if not isinstance(self.signature, str) or not self.signature:
            raise Refused("malformed", "the manifest is not signed (no signature)")
        if self.expires_at <= self.created_at:
            raise Refused("malformed", "expires must be after created")


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def read_json(raw: bytes | str) -> dict:
    if len(raw) > MAX_MANIFEST_BYTES:
        raise Refused("malformed", f"a manifest is at most {MAX_MANIFEST_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused("malformed", f"the manifest is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise Refused("malformed", "the manifest must be a JSON object")
    return data
