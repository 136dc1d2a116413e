"""Per-device MQTT credentials in Mosquitto's password-file format.

Mosquitto 2 stores `username:$7$<iterations>$<salt b64>$<PBKDF2-SHA512 b64>`. Hashing the same
way here means `export_mosquitto` writes the file Mosquitto reads, and the plaintext password
only ever exists in the provisioning output handed to the device.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ITERATIONS = 101  # Mosquitto's own default for $7$ hashes


def new_password() -> str:
    return secrets.token_urlsafe(18)


def mosquitto_hash(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt or secrets.token_bytes(12)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def check_password(password: str, encoded: str) -> bool:
    try:
        _, kind, iterations, salt, _digest = encoded.split("$")
    except ValueError:
        return False
    if kind != "7":
        return False
    expected = mosquitto_hash(password, salt=base64.b64decode(salt), iterations=int(iterations))
    return hmac.compare_digest(expected, encoded)


def acl_block(username: str, store: str, kind: str, device: str) -> str:
    """A device may publish only its own topics and read only its own commands."""
    base = f"smartcart/{store}/{kind}/{device}"
    lines = [f"user {username}"]
    lines += [f"topic write {base}/{channel}" for channel in ("telemetry", "status", "ack", "event")]
    lines.append(f"topic read {base}/cmd")
    return "\n".join(lines) + "\n"
