"""Every string of the ops console has an Italian translation in the committed catalog, the
committed .mo is that catalog, and no other installed catalog (Django's admin, DRF...) shows
another word for one of ours. The same checks as the store's (tests/onprem/
test_italian_catalog.py), run on cloud/console (docs: Languages)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.utils import translation

from tests.onprem import test_italian_catalog as checks

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "cloud" / "console"
MESSAGES = CONSOLE / "locale" / "it" / "LC_MESSAGES"
GETTEXT = all(shutil.which(tool) for tool in ("xgettext", "msgfmt", "msgen"))
pytestmark = pytest.mark.skipif(
    not GETTEXT and os.environ.get("CI") != "true",
    reason="GNU gettext is not installed (apt-get install gettext)",
)


def test_every_string_of_the_console_is_translated_to_italian(tmp_path, monkeypatch):
    missing = checks.untranslated(CONSOLE, tmp_path, monkeypatch)

    assert not missing, (
        f"cloud/console: {len(missing)} string(s) without Italian: {missing}. Run makemessages "
        "in cloud/console, translate, compilemessages (docs: Languages)."
    )


def test_the_catalog_has_no_fuzzy_or_empty_entries(tmp_path):
    po = MESSAGES / "django.po"
    fuzzy = [
        line
        for line in po.read_text("utf-8").splitlines()
        if line.startswith("#,") and "fuzzy" in line
    ]

    assert not fuzzy, (
        f"{len(fuzzy)} fuzzy entries in cloud/console's catalog: check and unmark them"
    )
    empty = [k for k, v in checks.compiled(po, tmp_path / "it.mo").items() if not v.strip()]
    assert not empty, f"empty translations for {empty}"


def test_the_committed_mo_is_compiled_from_the_committed_po(tmp_path):
    assert (MESSAGES / "django.mo").exists(), "run compilemessages in cloud/console"
    assert checks.catalog_of_mo(MESSAGES / "django.mo") == checks.compiled(
        MESSAGES / "django.po", tmp_path / "it.mo"
    ), "cloud/console: django.mo is older than django.po: run compilemessages"


def test_no_other_catalog_hides_our_italian():
    hidden = []
    with translation.override("it"):
        for key, text in checks.catalog_of_mo(MESSAGES / "django.mo").items():
            if isinstance(key, tuple):
                continue  # a plural form: its English plural is not in the key
            context, _, msgid = key.rpartition("\x04")
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if shown != text:
                hidden.append(f"{msgid!r} shows {shown!r}, not {text!r}")

    assert not hidden, hidden
