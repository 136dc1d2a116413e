"""Signed releases (docs/ota.md): ed25519-signed manifests over firmware and software images.

No Django: the cloud checks an upload, the store checks what it caches, and the agents check
what they install, all with the same `verify`.
"""

from .manifest import HARDWARE, Manifest, Refused, compare_versions, parse_version
from .signing import TrustSet, key_id_of, load_private_key, load_trust
from .verify import verify, verify_artifact, verify_manifest

__all__ = [
    "HARDWARE",
    "Manifest",
    "Refused",
    "TrustSet",
    "compare_versions",
    "key_id_of",
    "load_private_key",
    "load_trust",
    "parse_version",
    "verify",
    "verify_artifact",
    "verify_manifest",
]
