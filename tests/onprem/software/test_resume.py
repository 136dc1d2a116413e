"""The journal lets an updater that died pick up where it stopped: mid-download it resumes the
download with Range; mid-migrate (the database may hold half of the new version) it rolls the
database back from the backup; and a second updater never runs beside the first."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection

from onprem.fleet.models import Cart
from onprem.fleet.services import provision_device
from onprem.software import database, journal
from onprem.software.install import download_path
from onprem.software.layout import current_version
from onprem.software.updater import Updater
from tests.onprem.software.conftest import offer, signed


@pytest.mark.django_db(transaction=True)
def test_an_updater_stopped_during_migrate_rolls_the_database_back(
    releases, signing_key, cloud, tmp_path
):
    manifest, data = signed(tmp_path, signing_key, "0.1.1", b"wheel")
    job = offer(cloud, releases, manifest, data)
    User.objects.create(username="before-the-update")
    taken = database.backup(releases / "backups" / "1-0.1.0.db")
    journal.note(releases, job, backup=taken, previous=None)
    journal.enter(releases, job, "migrate")
    # What the killed migration had done so far:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE onprem_software_half_done (id INTEGER PRIMARY KEY)")
    User.objects.create(username="written-by-the-half-migration")

    job = Updater().run()

    assert (job["state"], job["step"]) == ("rolled_back", "done")
    assert job["reason"] == "the updater stopped during migrate"
    assert list(User.objects.values_list("username", flat=True)) == ["before-the-update"]
    assert "onprem_software_half_done" not in database.table_names()
    assert current_version(releases) is None


@pytest.mark.django_db
def test_an_updater_stopped_during_download_resumes_it_where_it_stopped(
    releases, signing_key, cloud, tmp_path
):
    provision_device(kind="cart", device_id="cart-01")
    Cart.objects.filter(device_id="cart-01").update(firmware="3.0.0")  # ends at compat
    manifest, data = signed(tmp_path, signing_key, "0.1.1", b"w" * 5000)
    job = offer(cloud, releases, manifest, data)
    journal.enter(releases, job, "download")
    part = download_path(releases, job)
    part.parent.mkdir(parents=True)
    part.write_bytes(data[:1200])  # what arrived before the updater died

    job = Updater().run()

    assert [r["range"] for r in cloud.requests] == ["bytes=1200-"]
    assert [h["step"] for h in job["history"]][-3:] == ["verify", "compat", "compat"]
    assert (job["state"], job["step"]) == ("refused", "compat")  # verified: the bytes were whole


@pytest.mark.django_db
def test_a_second_updater_leaves_the_update_to_the_first(releases, signing_key, cloud, tmp_path):
    manifest, data = signed(tmp_path, signing_key, "0.1.1", b"wheel")
    offer(cloud, releases, manifest, data)

    with journal.updater_lock(releases) as mine:
        assert mine
        assert Updater().run() is None

    assert journal.load(releases)["state"] == "pending"
    assert cloud.requests == []
