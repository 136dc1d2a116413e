"""Every string a staff member can read on the dashboard, the alerts, the BI and the sign-in page
has an Italian translation in the committed catalog, and the committed .mo is that catalog.

The source's strings are extracted the way `makemessages` does it (Django's own command, run in a
copy of the app so the tree is left alone); the committed .po compiled with `msgfmt
--check-format` (what compilemessages runs: placeholders must match) must hold every one of them
translated and not fuzzy. A string added without its Italian, or a .po edited without
`compilemessages`, fails here (docs: Languages)."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
# The apps whose pages staff pass through: shopping for the sign-in page (and the sign-up it links).
APPS = ["dashboard", "alerts", "analytics", "shopping"]
# The check extracts and compiles with GNU gettext, which a fresh laptop may lack (make test needs
# only Python; the tiers read the committed .mo). CI installs it, so there it always runs.
GETTEXT = all(shutil.which(tool) for tool in ("xgettext", "msgfmt", "msgen"))
pytestmark = pytest.mark.skipif(
    not GETTEXT and os.environ.get("CI") != "true",
    reason="GNU gettext is not installed (apt-get install gettext)",
)
IGNORED = shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc")


def catalog_of_mo(mo: Path) -> dict:
    with mo.open("rb") as f:
        return {k: v for k, v in gettext.GNUTranslations(f)._catalog.items() if k != ""}


def compiled(po: Path, mo: Path, *flags: str) -> dict:
    """The catalog msgfmt makes of `po` (untranslated and fuzzy entries left out, as at run time)."""
    run = subprocess.run(["msgfmt", "--check-format", *flags, "-o", str(mo), str(po)],
                         capture_output=True, text=True)
    assert run.returncode == 0, f"msgfmt refused {po}:\n{run.stderr}"
    return catalog_of_mo(mo)


def source_msgids(app_dir: Path, tmp: Path, monkeypatch) -> set:
    """The catalog keys of every string marked in the app's code and templates, as makemessages sees them."""
    copy = tmp / app_dir.name
    shutil.copytree(app_dir, copy, ignore=IGNORED)
    (copy / "locale").mkdir()
    monkeypatch.chdir(copy)  # makemessages writes into ./locale, like `cd onprem/<app> && makemessages`
    call_command("makemessages", locale=["it"], no_location=True, verbosity=0)
    pot = copy / "locale" / "it" / "LC_MESSAGES" / "django.po"
    filled = tmp / f"{app_dir.name}-source.po"  # msgstr = msgid, so msgfmt keeps every entry
    subprocess.run(["msgen", "-o", str(filled), str(pot)], check=True, capture_output=True)
    return set(compiled(filled, tmp / f"{app_dir.name}-source.mo"))


def untranslated(app_dir: Path, tmp: Path, monkeypatch) -> list:
    """The app's strings that the committed Italian catalog does not translate."""
    po = app_dir / "locale" / "it" / "LC_MESSAGES" / "django.po"
    assert po.exists(), f"no Italian catalog at {po.relative_to(ROOT)}"
    italian = compiled(po, tmp / f"{app_dir.name}-committed.mo")
    return sorted(map(str, source_msgids(app_dir, tmp, monkeypatch) - set(italian)))


@pytest.mark.parametrize("app", APPS)
def test_every_string_of_the_app_is_translated_to_italian(app, tmp_path, monkeypatch):
    missing = untranslated(ROOT / "onprem" / app, tmp_path, monkeypatch)

    assert not missing, (f"onprem/{app}: {len(missing)} string(s) without Italian: {missing}. "
                         f"Run makemessages in onprem/{app}, translate, compilemessages (docs: Languages).")


@pytest.mark.parametrize("app", APPS)
def test_the_catalog_has_no_fuzzy_or_empty_entries(app, tmp_path):
    po = ROOT / "onprem" / app / "locale" / "it" / "LC_MESSAGES" / "django.po"
    fuzzy = [line for line in po.read_text(encoding="utf-8").splitlines()
             if line.startswith("#,") and "fuzzy" in line]

    assert not fuzzy, f"{po.relative_to(ROOT)} has {len(fuzzy)} fuzzy entries: check and unmark them"
    empty = [k for k, v in compiled(po, tmp_path / "it.mo").items() if not v.strip()]
    assert not empty, f"{po.relative_to(ROOT)}: empty translations for {empty}"


@pytest.mark.parametrize("app", APPS)
def test_the_committed_mo_is_compiled_from_the_committed_po(app, tmp_path):
    messages = ROOT / "onprem" / app / "locale" / "it" / "LC_MESSAGES"

    assert (messages / "django.mo").exists(), f"run compilemessages in onprem/{app}"
    assert catalog_of_mo(messages / "django.mo") == compiled(messages / "django.po", tmp_path / "it.mo"), \
        f"onprem/{app}: django.mo is older than django.po: run compilemessages"


def test_a_string_shared_by_two_apps_reads_the_same_in_both():
    """Django merges the apps' catalogs and the first app in INSTALLED_APPS wins, silently: a
    word translated two ways would change with the app order, not with the page."""
    seen: dict = {}
    clashes = []
    for app in APPS:
        for msgid, text in catalog_of_mo(ROOT / "onprem" / app / "locale/it/LC_MESSAGES/django.mo").items():
            first = seen.setdefault(msgid, (app, text))
            if first[1] != text:
                clashes.append(f"{msgid!r}: {first[0]} says {first[1]!r}, {app} says {text!r}")

    assert not clashes, clashes


def test_no_other_catalog_hides_our_italian():
    """Django's own catalogs (admin, auth) rank above ours: where one translates the same English
    otherwise, staff would read its word, not ours (give ours a context: {% translate "Change"
    context "language" %})."""
    hidden = []
    with translation.override("it"):
        for app in APPS:
            for key, text in catalog_of_mo(ROOT / "onprem" / app / "locale/it/LC_MESSAGES/django.mo").items():
                if isinstance(key, tuple):
                    continue  # a plural form: its English plural is not in the key
                context, _, msgid = key.rpartition("\x04")
                shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
                if shown != text:
                    hidden.append(f"onprem/{app}: {msgid!r} shows {shown!r}, not {text!r}")

    assert not hidden, hidden


def test_it_notices_a_new_string_without_italian(tmp_path, monkeypatch):
    """The check itself: a copy of the dashboard with one more marked string fails it."""
    app = tmp_path / "app" / "dashboard"
    shutil.copytree(ROOT / "onprem" / "dashboard", app, ignore=shutil.ignore_patterns("static", "__pycache__"))
    (app / "new_words.py").write_text('from django.utils.translation import gettext as _\n\n'
                                      'WORDS = _("A sentence nobody has translated yet")\n')
    (app / "templates" / "new.html").write_text('{% load i18n %}{% translate "Nor this one" %}\n')

    (tmp_path / "work").mkdir()
    missing = untranslated(app, tmp_path / "work", monkeypatch)

    assert {"A sentence nobody has translated yet", "Nor this one"} <= set(missing)
