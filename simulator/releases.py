"""The demo's firmware: a signing key made once, and the factory release 1.0.0 the simulated
carts and racks run, signed with it and uploaded to the cloud at every start (the cloud's
`upload_release` is idempotent), so a new release built with the same key is one `smartcart
release build` away (docs/ota.md).

The key lives in var/release-keys; the demo's cloud, store and devices trust its public half
and nothing else. A real fleet's key is made offline and never sits beside the services.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from smartcart.release.build import build_release, sample_image
from smartcart.release.signing import generate

FACTORY_VERSION = "1.0.0"
HARDWARE = ("cart-v1", "rack-v1")
EXPIRES_DAYS = 3650  # the factory release must outlive any demo


@dataclass(frozen=True, slots=True)
class DemoKey:
    private: Path
    public: Path


def demo_key(var: Path) -> DemoKey:
    """var/release-keys/release-<id>.pem and .pub.pem, made on the first start."""
    keys = var / "release-keys"
    for public in sorted(keys.glob("release-*.pub.pem")):
        private = public.with_name(public.name.removesuffix(".pub.pem") + ".pem")
        if private.exists():
            return DemoKey(private, public)
    private, public, _ = generate(keys)
    return DemoKey(private, public)


def factory_releases(var: Path, key: DemoKey) -> list[tuple[Path, Path]]:
    """(manifest, artifact) of 1.0.0 for each hardware, built once into var/releases-demo."""
    out = var / "releases-demo"
    built = []
    for hardware in HARDWARE:
        manifest = out / f"{hardware}-{FACTORY_VERSION}.manifest.json"
        artifact = out / f"{hardware}-{FACTORY_VERSION}.tar.gz"
        if not (manifest.exists() and artifact.exists()):
            image = sample_image(version=FACTORY_VERSION, out=out / "images" / f"{hardware}.tar.gz")
            manifest, artifact = build_release(
                image=image,
                version=FACTORY_VERSION,
                hardware=hardware,
                channel="stable",
                expires_days=EXPIRES_DAYS,
                key=key.private,
                out=out,
            )
        built.append((manifest, artifact))
    return built
