"""`smartcart release keygen|build|verify|sample-image|onprem-wheel` (docs/ota.md, "Signing a
release"; onprem-wheel: smartcart/release/onprem_wheel.py).

verify exits 0 when the release may be used, else 1 with one line
`refused: <reason_code>: <sentence>`; a usage error exits 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .build import build_release, sample_image
from .manifest import Refused
from .onprem_wheel import build_onprem_wheel
from .signing import generate, load_trust
from .verify import verify


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smartcart release", description="sign and check releases")
    sub = p.add_subparsers(dest="action", required=True)
    keygen = sub.add_parser("keygen", help="make an ed25519 signing key pair")
    keygen.add_argument("--out", type=Path, required=True, help="directory for the two PEM files")
    build = sub.add_parser("build", help="sign an image: artifact + manifest")
    build.add_argument("--image", type=Path, required=True)
    build.add_argument("--version", required=True, help="MAJOR.MINOR.PATCH")
    build.add_argument("--hardware", required=True, help="cart-v1, rack-v1 or onprem-v1")
    build.add_argument("--channel", default="stable", help="stable (default) or testing")
    build.add_argument("--expires-days", type=float, default=90)
    build.add_argument("--key", type=Path, required=True, help="the private key (PEM)")
    build.add_argument("--out", type=Path, required=True)
    check = sub.add_parser("verify", help="check a manifest and its artifact")
    check.add_argument("--manifest", type=Path, required=True)
    check.add_argument("--artifact", type=Path, required=True)
    check.add_argument("--trust", type=Path, action="append", required=True,
                       help="a trusted public key (PEM) or a directory of *.pub.pem; repeatable")
    check.add_argument("--current-version", help="refuse a release not newer than this")
    check.add_argument("--hardware", help="refuse a release for other hardware")
    sample = sub.add_parser("sample-image", help="a tar.gz image the simulated HAL installs")
    sample.add_argument("--version", required=True)
    sample.add_argument("--broken", action="store_true", help="its healthcheck fails")
    sample.add_argument("--size-mb", type=float, default=0, help="incompressible filler")
    sample.add_argument("--out", type=Path, help="default ./image-<version>.tar.gz")
    wheel = sub.add_parser("onprem-wheel", help="a wheel of this checkout as an on-prem release")
    wheel.add_argument("--version", required=True, help="MAJOR.MINOR.PATCH")
    wheel.add_argument("--out", type=Path, required=True, help="directory for the wheel")
    wheel.add_argument("--broken", action="store_true", help="its /healthz reports a failing check")
    wheel.add_argument("--mark-migration", action="store_true",
                       help="one more migration: a table named after the version")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return ACTIONS[args.action](args)
    except Refused as exc:
        print(exc.line(), file=sys.stderr)
        return 1
    except (ValueError, OSError) as exc:
        print(f"smartcart release {args.action}: {exc}", file=sys.stderr)
        return 2


def keygen(args: argparse.Namespace) -> int:
    private, public, key_id = generate(args.out)
    print(f"key {key_id}\n  private {private} (keep it offline)\n  public  {public} (give it to devices)")
    return 0


def build(args: argparse.Namespace) -> int:
    manifest, artifact = build_release(
        image=args.image,
        version=args.version,
        hardware=args.hardware,
        channel=args.channel,
        expires_days=args.expires_days,
        key=args.key,
        out=args.out,
    )
    print(f"manifest {manifest}\nartifact {artifact}")
    return 0


def check(args: argparse.Namespace) -> int:
    try:
        raw = args.manifest.read_bytes()
    except OSError as exc:
        raise Refused("malformed", f"the manifest {args.manifest} cannot be read: {exc.strerror}") from None
    if not args.artifact.is_file():
        raise Refused("malformed", f"the artifact {args.artifact} is not a file")
    manifest = verify(
        raw,
        args.artifact,
        load_trust(args.trust),
        hardware=args.hardware,
        current_version=args.current_version,
    )
    print(f"ok: {manifest.hardware} {manifest.version} ({manifest.channel}), key {manifest.key_id}")
    return 0


def sample(args: argparse.Namespace) -> int:
    out = args.out or Path(f"image-{args.version}.tar.gz")
    sample_image(
        version=args.version, out=out, broken=args.broken, payload_bytes=int(args.size_mb * 1024 * 1024)
    )
    print(out)
    return 0


def onprem_wheel(args: argparse.Namespace) -> int:
    wheel = build_onprem_wheel(
        version=args.version, out=args.out, broken=args.broken, mark_migration=args.mark_migration
    )
    print(wheel)
    return 0


ACTIONS = {
    "keygen": keygen,
    "build": build,
    "verify": check,
    "sample-image": sample,
    "onprem-wheel": onprem_wheel,
}
