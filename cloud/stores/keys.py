"""Store keys: random, shown once, kept only as a sha256 hash, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from django.utils import timezone

MIN_KEY_LENGTH = 24


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(key_hash(key), stored_hash)


def previous_key_valid(key: str, previous_hash: str, expires_at: datetime | None) -> bool:
    """Is `key` the store's rotated-out key, still inside its grace period?"""
    return bool(previous_hash and expires_at and timezone.now() < expires_at
                and key_matches(key, previous_hash))
