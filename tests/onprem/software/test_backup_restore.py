"""A backup taken before an update's migrations puts the database back exactly: rows written
after it are gone, rows deleted after it are back, and a table a new migration created is
dropped (MariaDB's dump does not know it; SQLite's copy replaces the whole file)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection

from onprem.software import database

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_puts_the_database_back_as_the_backup_found_it(tmp_path):
    User.objects.create(username="kept")
    User.objects.create(username="deleted-after")
    taken = database.backup(tmp_path / "backup.db")
    User.objects.create(username="added-after")
    User.objects.filter(username="deleted-after").delete()
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE onprem_software_mark_test (id INTEGER PRIMARY KEY)")

    database.restore(taken)

    assert sorted(User.objects.values_list("username", flat=True)) == ["deleted-after", "kept"]
    assert "onprem_software_mark_test" not in database.table_names()
    assert database.applied_migrations() == taken["migrations"]


def test_it_says_why_when_the_backup_is_gone(tmp_path):
    taken = database.backup(tmp_path / "backup.db")
    (tmp_path / "backup.db").unlink()

    with pytest.raises(database.BackupFailed, match="is gone"):
        database.restore(taken)
