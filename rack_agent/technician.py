"""The technician's login to the rack page: HTTP Basic against a PBKDF2 hash from the config,
and what guards the page's force-update form: a PIN (hashed the same way) and a CSRF token.

The config holds only `pbkdf2_sha256$<iterations>$<salt>$<hash>` (Django's format, made by
`python -m rack_agent hash-password` or `hash-pin`), never the password or the PIN. Basic auth
re-sends the password on every request and the page refreshes every few seconds, so a header
that verified once is remembered (by its SHA-256) rather than derived again: PBKDF2 is slow on
a rack controller.

Why a CSRF token although the page needs a login: a browser re-sends a Basic login it knows
with any request to the page, including a form another site's page submits. The token is an
HMAC of the login header under a secret drawn at start, so only someone who could read the
page (same origin, logged in) can post its forms, and no state is kept per session.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import hashlib
import hmac
import secrets
import sys
import threading
import time

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 260_000
MIN_PASSWORD = 6
MIN_PIN = 4
REMEMBERED_HEADERS = 16
PIN_TRIES = 5  # wrong PINs in a row before the form locks
PIN_LOCK_SECONDS = 300.0


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
            "`python -m rack_agent hash-password` (or hash-pin) prints it"
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


class PinCheck:
    """The technician PIN of the force-update form, with a lock after PIN_TRIES wrong ones in
    a row: a four-digit PIN behind a login is still only 10,000 guesses."""

    def __init__(self, pin_hash: str, *, clock=time.monotonic) -> None:
        self.pin_hash, self.clock = check_hash(pin_hash), clock
        self.wrong, self.locked_until = 0, 0.0
        self.lock = threading.Lock()

    def check(self, pin: str) -> str | None:
        """None when the PIN is right; else the sentence the page shows."""
        with self.lock:
            left = self.locked_until - self.clock()
            if left > 0:
                return f"too many wrong PINs: the form is locked for another {left:.0f} s"
            if password_matches(pin, self.pin_hash):
                self.wrong = 0
                return None
            self.wrong += 1
            if self.wrong >= PIN_TRIES:
                self.wrong, self.locked_until = 0, self.clock() + PIN_LOCK_SECONDS
                return f"wrong technician PIN; {PIN_TRIES} in a row lock the form for {PIN_LOCK_SECONDS:.0f} s"
            return "wrong technician PIN: nothing was requested"


class FormTokens:
    """CSRF tokens bound to the login: HMAC(secret of this process, Authorization header)."""

    def __init__(self, secret: bytes | None = None) -> None:
        self.secret = secret or secrets.token_bytes(32)

    def token(self, authorization: str) -> str:
        return hmac.new(self.secret, authorization.encode(), hashlib.sha256).hexdigest()

    def valid(self, authorization: str, token: str) -> bool:
        return hmac.compare_digest(self.token(authorization).encode(), token.encode())


def hash_password_command(what: str = "password") -> int:
    """`python -m rack_agent hash-password|hash-pin`: read a secret, print the config line."""
    label, key, least = {
        "password": ("technician password", "http_password_hash", MIN_PASSWORD),
        "pin": ("technician PIN", "technician_pin_hash", MIN_PIN),
    }[what]
    if sys.stdin.isatty():
        secret = getpass.getpass(f"{label}: ")
        if getpass.getpass("again: ") != secret:
            print(f"rack_agent: the two {what}s differ; nothing written", file=sys.stderr)
            return 2
    else:
        secret = sys.stdin.readline().rstrip("\n")
    if len(secret) < least:
        print(f"rack_agent: the {what} needs at least {least} characters", file=sys.stderr)
        return 2
    print(f'{key} = "{hash_password(secret)}"')
    return 0
