"""Store keys: random, shown once, kept only as a sha256 hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

MIN_KEY_LENGTH = 24


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)
