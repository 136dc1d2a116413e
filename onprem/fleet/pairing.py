"""The code printed on each cart, which the shopper app sends to pair with it.

Eight characters of Crockford's base32 alphabet (no I, L, O, U: nothing to misread on a
sticker), 40 bits: guessing a cart's code is as hard as guessing a short password, and
pairing is rate-limited besides. Read case-insensitively, ignoring spaces and dashes.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8


def new_pairing_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_pairing_code(text: str) -> str:
    """What a shopper typed or a QR held, in the stored form (upper case, no separators)."""
    return "".join(text.split()).replace("-", "").upper()
