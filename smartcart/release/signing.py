"""ed25519 keys: the signer's private key (kept offline) and the set of public keys a verifier
trusts, by key id. Rotating a key is adding the new public key to every trust set before the
first release signed with it, and dropping the old one after."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .manifest import Refused


def key_id_of(public: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the sha256 of the raw 32-byte public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate(out: Path) -> tuple[Path, Path, str]:
    """A new key pair in `out`: release-<id>.pem (private, mode 600) and release-<id>.pub.pem."""
    private = Ed25519PrivateKey.generate()
    key_id = key_id_of(private.public_key())
    out.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out / f"release-{key_id}.pem", out / f"release-{key_id}.pub.pem"
    private_path.touch(mode=0o600)
    private_path.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public_path.write_bytes(public_pem(private.public_key()))
    return private_path, public_path, key_id


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise ValueError(f"{path} cannot be read: {exc.strerror}") from None
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an ed25519 key")
    return key


def read_public_key(data: bytes, source: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise ValueError(f"{source} is not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{source} is not an ed25519 public key")
    return key


def sign(private: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(private.sign(data)).decode()


class TrustSet:
    """The public keys a verifier accepts, by key id."""

    def __init__(self, keys: Iterable[Ed25519PublicKey] = ()):
        self.keys = {key_id_of(key): key for key in keys}

    def __len__(self) -> int:
        return len(self.keys)

    def ids(self) -> list[str]:
        return sorted(self.keys)

    def check(self, key_id: str, signature: str, data: bytes) -> None:
        key = self.keys.get(key_id)
        if key is None:
            trusted = ", ".join(self.ids()) or "none"
            raise Refused("unknown_key", f"key {key_id} is not trusted here (trusted: {trusted})")
        try:
            raw = base64.b64decode(signature, validate=True)
            key.verify(raw, data)
        except (InvalidSignature, ValueError):
            raise Refused(
                "bad_signature", f"the signature does not match the manifest under key {key_id}"
            ) from None

    @classmethod
    def from_pem(cls, blobs: Iterable[tuple[bytes, str]]) -> TrustSet:
        return cls(read_public_key(data, source) for data, source in blobs)


def load_trust(paths: Iterable[Path | str]) -> TrustSet:
    """Every public key in `paths` (PEM files, or directories of *.pem / *.pub.pem files)."""
    blobs = []
    for path in map(Path, paths):
        files = sorted(path.glob("*.pub.pem")) if path.is_dir() else [path]
        for file in files:
            try:
                blobs.append((file.read_bytes(), str(file)))
            except OSError as exc:
                raise ValueError(f"{file} cannot be read: {exc.strerror}") from None
    return TrustSet.from_pem(blobs)
