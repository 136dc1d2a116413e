"""The technician's login to the rack page: HTTP Basic against a PBKDF2 hash from the config.

The config holds only `pbkdf2_sha256$<iterations>$<salt>$<hash>` (Django's format, made by
`python -m rack_agent hash-password`), never the password. Basic auth re-sends the password on
every request and the page refreshes every few seconds, so a header that verified once is
remembered (by its SHA-256) rather than derived again: PBKDF2 is slow on a rack controller.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import secrets
import sys

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 260_000
MIN_PASSWORD = 6
REMEMBERED_HEADERS = 16


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(12)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), iterations)
    return f"{ALGORITHM}${iterations}${salt}${base64.b64encode(digest).decode()}"


def check_hash(stored: str) -> str:
    """`stored` if it is a hash this module can verify; else ValueError saying what is wrong."""
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != ALGORITHM or not parts[1].isdigit() or not parts[2]:
        raise ValueError(
            f"must be a {ALGORITHM}$<iterations>$<salt>$<hash> line as "
            "`python -m rack_agent hash-password` prints it"
        )
    try:
        base64.b64decode(parts[3], validate=True)
    except binascii.Error:
        raise ValueError("has a hash part that is not base64") from None
    return stored


def password_matches(password: str, stored: str) -> bool:
    _, iterations, salt, _ = stored.split("$")
    candidate = hash_password(password, iterations=int(iterations), salt=salt)
    return hmac.compare_digest(candidate.encode(), stored.encode())


class BasicAuth:
    """Says whether an Authorization header carries the technician's name and password."""

    def __init__(self, *, user: str, password_hash: str) -> None:
        self.user, self.password_hash = user, check_hash(password_hash)
        self.verified: list[bytes] = []  # SHA-256 of headers that passed, newest last

    def allows(self, header: str | None) -> bool:
        if not header:
            return False
        fingerprint = hashlib.sha256(header.encode()).digest()
        if any(hmac.compare_digest(fingerprint, known) for known in self.verified):
            return True
        if not self._check(header):
            return False
        self.verified = [*self.verified[-(REMEMBERED_HEADERS - 1) :], fingerprint]
        return True

    def _check(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        right_user = hmac.compare_digest(user.encode(), self.user.encode())
        # The hash is derived even for a wrong user, so timing does not tell which was wrong.
        right_password = password_matches(password, self.password_hash)
        return bool(sep) and right_user and right_password


def hash_password_command() -> int:
    """`python -m rack_agent hash-password`: read a password, print the config line."""
    if sys.stdin.isatty():
        password = getpass.getpass("technician password: ")
        if getpass.getpass("again: ") != password:
            print("rack_agent: the two passwords differ; nothing written", file=sys.stderr)
            return 2
    else:
        password = sys.stdin.readline().rstrip("\n")
    if len(password) < MIN_PASSWORD:
        print(f"rack_agent: the password needs at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 2
    print(f'http_password_hash = "{hash_password(password)}"')
    return 0
