"""manage.py upload_release: the console's upload, for scripts and the demo."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from cloud.releases.models import Release


def run(*args) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("upload_release", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_uploads_a_release_and_prints_it(db, build):
    manifest, artifact = build("1.1.0")

    printed = run("--manifest", str(manifest), "--artifact", str(artifact), "--by", "demo")

    release = Release.objects.get()
    assert (printed["id"], printed["version"], printed["uploaded_by"]) == (
        release.pk,
        "1.1.0",
        "demo",
    )


def test_it_prints_the_same_release_again_without_error(db, build):
    manifest, artifact = build("1.1.0")
    first = run("--manifest", str(manifest), "--artifact", str(artifact))

    again = run("--manifest", str(manifest), "--artifact", str(artifact))

    assert again["id"] == first["id"]
    assert Release.objects.count() == 1


def test_it_fails_with_the_reason_code(db, build):
    manifest, artifact = build("1.1.0")
    artifact.write_bytes(artifact.read_bytes()[:-1])

    with pytest.raises(CommandError, match="^refused: size_mismatch: the artifact is"):
        run("--manifest", str(manifest), "--artifact", str(artifact))
