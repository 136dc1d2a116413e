"""python manage.py upload_release --manifest M --artifact A [--by NAME] — what the console's
upload form does, for scripts and the demo. Prints the release as JSON; exits 1 with
`refused: <code>: <sentence>` when the release is refused. The same release (hardware, version
and sha256) uploaded again is not an error: its existing row is printed (the demo re-runs)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cloud.releases import services
from cloud.releases.api.serializers import ReleaseSerializer
from cloud.releases.models import Release
from smartcart.release import Manifest, Refused

CHUNK = 1024 * 1024


def chunks(path: Path):
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            yield chunk


class Command(BaseCommand):
    help = "Verify a signed release and upload it (as POST /api/v1/releases/ does)."

    def add_arguments(self, parser):
        parser.add_argument("--manifest", required=True, type=Path)
        parser.add_argument("--artifact", required=True, type=Path)
        parser.add_argument("--by", default="manage.py", help="who uploads it (audited)")

    def handle(self, *args, manifest: Path, artifact: Path, by: str, **options):
        try:
            raw = manifest.read_bytes()
            if not artifact.is_file():
                raise CommandError(f"{artifact} is not a file")
            release = self.existing(raw) or services.upload_release(
                manifest=raw, artifact=chunks(artifact), uploaded_by=by
            )
        except Refused as exc:
            raise CommandError(exc.line()) from None
        except OSError as exc:
            raise CommandError(f"{manifest}: {exc.strerror}") from None
        self.stdout.write(json.dumps(ReleaseSerializer(release).data, default=str))

    def existing(self, raw: bytes) -> Release | None:
        try:
            manifest = Manifest.parse(raw)
        except Refused:
            return None  # the upload says why
        return Release.objects.filter(
            hardware=manifest.hardware, version=manifest.version, sha256=manifest.sha256
        ).first()
