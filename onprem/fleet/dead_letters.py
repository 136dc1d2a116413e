"""Dead letters: what ingest refused, bounded so that no sender can grow the database at will.

A refused message keeps its topic, the reason, and a prefix of its payload with the full size
and SHA-256. Three 20 MB messages used to cost 60 MB of rows and a 61 MB API page; now each
costs at most KEPT_BYTES plus a few hundred bytes.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from .models import DeadLetter

KEPT_BYTES = 4096  # a whole protocol message is ~300 bytes: 4 KiB shows any of them in full
REASON_CHARS = 1000
TOPIC_CHARS = 255


def dead_letter(*, topic: str, payload: bytes, reason: str, received_at: datetime) -> DeadLetter:
    """An unsaved DeadLetter for one refused message (ingest saves them with its batch)."""
    payload = bytes(payload)
    return DeadLetter(
        topic=printable(topic)[:TOPIC_CHARS],
        payload=payload[:KEPT_BYTES],
        payload_size=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        reason=printable(reason)[:REASON_CHARS],
        received_at=received_at,
    )


def printable(text: str) -> str:
    # A lone surrogate or NUL in a topic must not make the row itself unstorable (utf8mb4).
    return text.encode("utf-8", "backslashreplace").decode("utf-8").replace("\x00", "\\x00")
