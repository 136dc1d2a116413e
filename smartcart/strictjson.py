"""Reading untrusted JSON text strictly: device payloads (protocol/fields.py) and tunnel frames
(tunnel_frames.py) go through the same checks, each caller wording its own refusal.

Python's json recurses per nesting level (a 60 KB document of brackets raises RecursionError),
reads NaN and Infinity, which JSON has not, turns 1e400 into infinity, and decodes "\\ud800"
to a lone surrogate that no UTF-8 column or socket can carry.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# A JSON string literal (possessive, so a long string costs one linear pass), and what is not
# a bracket.
JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
NOT_A_BRACKET = re.compile(r"[^\[\]{}]++")
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def nests_deeper_than(text: str, limit: int) -> bool:
    """Do the brackets of this JSON text (strings skipped) nest more than `limit` levels?"""
    if text.count("{") + text.count("[") <= limit:
        return False  # cannot nest deeper than it has brackets: the usual case costs two counts
    depth = 0
    for bracket in NOT_A_BRACKET.sub("", JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def loads(text: str) -> Any:
    """json.loads that refuses NaN, Infinity and numbers beyond a double (ValueError)."""
    return json.loads(text, parse_constant=not_a_number, parse_float=finite_float)


def not_a_number(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def finite_float(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"number {text[:40]} is too large")
    return value


def holds_lone_surrogate(text: str, data: Any) -> bool:
    """Did an escape in `text` decode to a lone surrogate in `data`? (A pair is fine.)"""
    if "\\u" not in text or not SURROGATE_ESCAPE.search(text):
        return False
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
