"""After the switch, the store must come back healthy on the new version: when it does not,
the updater points `current` back, restores the database its migrations changed, restarts the
components again and reports rolled_back; the store's /healthz is the judge."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import User
from django.db import connection

from onprem.software import database, journal
from onprem.software.layout import current_version
from onprem.software.updater import Updater
from tests.onprem.software.conftest import offer, signed


class StoreStillOld(BaseHTTPRequestHandler):
    """The store's web after the restart: healthy, but still the old version."""

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        body = json.dumps({"status": "ok", "version": "0.1.0", "components": {}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def store_web(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), StoreStillOld)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.ONPREM_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SOFTWARE_HEALTH_SECONDS = 3
    yield
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_a_store_that_does_not_come_back_on_the_new_version_is_switched_back(
    releases, signing_key, cloud, store_web, settings, tmp_path
):
    restarts = tmp_path / "restarts"
    settings.SOFTWARE_RESTART = (sys.executable, "-c", f"open({str(restarts)!r}, 'a').write('r')")
    manifest, data = signed(tmp_path, signing_key, "0.1.1", b"wheel")
    job = offer(cloud, releases, manifest, data)
    (releases / "0.1.1" / "lib").mkdir(parents=True)  # installed
    taken = database.backup(releases / "backups" / "1-0.1.0.db")
    with connection.cursor() as cursor:  # what 0.1.1's migration did
        cursor.execute("CREATE TABLE onprem_software_mark_0_1_1 (id INTEGER PRIMARY KEY)")
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) "
            "VALUES ('onprem_software', '90_1_1_release_mark', CURRENT_TIMESTAMP)"
        )
    User.objects.create(username="written-by-0.1.1")
    journal.note(releases, job, backup=taken, previous=None, migrated=True)
    journal.enter(releases, job, "switch")  # the updater stopped here last time

    job = Updater().run()

    assert (job["state"], job["step"]) == ("rolled_back", "done")
    assert job["reason"].startswith("confirm: the store did not come back healthy on it")
    assert "reports version 0.1.0, not 0.1.1" in job["reason"]
    assert [h["step"] for h in job["history"]][-5:] == [
        "switch",
        "restart",
        "confirm",
        "rollback",
        "done",
    ]
    assert current_version(releases) is None
    assert restarts.read_text() == "rr"  # onto 0.1.1, and back
    assert "onprem_software_mark_0_1_1" not in database.table_names()
    assert not User.objects.filter(username="written-by-0.1.1").exists()
    assert not (releases / "0.1.1").exists()  # the failed release's dir is tidied away


@pytest.mark.django_db(transaction=True)
def test_a_rollback_keeps_what_the_store_recorded_when_the_release_migrated_nothing(
    releases, signing_key, cloud, store_web, settings, tmp_path
):
    settings.SOFTWARE_RESTART = (sys.executable, "-c", "pass")
    manifest, data = signed(tmp_path, signing_key, "0.1.1", b"wheel")
    job = offer(cloud, releases, manifest, data)
    (releases / "0.1.1" / "lib").mkdir(parents=True)
    taken = database.backup(releases / "backups" / "1-0.1.0.db")
    User.objects.create(username="a-sale-recorded-meanwhile")
    journal.note(releases, job, backup=taken, previous=None, migrated=True)
    journal.enter(releases, job, "switch")

    job = Updater().run()

    assert job["state"] == "rolled_back"
    assert User.objects.filter(username="a-sale-recorded-meanwhile").exists()
