"""The store database's backup before an update's migrations, and its restore when the update
rolls back: SQLite through its backup API (a consistent copy of a live file), MariaDB through
mysqldump --single-transaction and mysql.

A dump restored into MariaDB rewrites the tables it holds but cannot know the tables a new
migration created, so the restore first drops every table the backup did not have.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections

DUMP_SECONDS = 1800
SQLITE_BUSY_SECONDS = 60


class BackupFailed(Exception):
    """The backup or restore could not be made: a sentence why."""


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def table_names(alias: str = "default") -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def applied_migrations(alias: str = "default") -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def backup(path: Path, alias: str = "default") -> dict:
    """Back the database up to `path`; what the restore needs to know about it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(path.name + ".tmp")
    kind = vendor(alias)
    if kind == "sqlite":
        sqlite_copy(Path(connections[alias].settings_dict["NAME"]), staged)
    elif kind == "mysql":
        mysql_dump(connections[alias].settings_dict, staged)
    else:
        raise BackupFailed(f"no backup for a {kind} database")
    os.replace(staged, path)
    return {
        "path": str(path),
        "vendor": kind,
        "tables": table_names(alias),
        "migrations": applied_migrations(alias),
    }


def restore(taken: dict, alias: str = "default") -> None:
    """Put the database back as `taken` (backup()'s answer) found it."""
    path = Path(taken["path"])
    if not path.is_file():
        raise BackupFailed(f"the backup {path} is gone: restore the database by hand")
    connection = connections[alias]
    if taken["vendor"] == "sqlite":
        connection.close()  # our own connection must not hold a lock on the file
        sqlite_copy(path, Path(connection.settings_dict["NAME"]))
    else:
        drop_tables(sorted(set(table_names(alias)) - set(taken["tables"])), alias)
        connection.close()
        mysql_load(connection.settings_dict, path)


def sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another, page by page, while others may use either."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=SQLITE_BUSY_SECONDS)
    try:
        dst = sqlite3.connect(target, timeout=SQLITE_BUSY_SECONDS)
        try:
            src.backup(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupFailed(f"SQLite copy {source} -> {target} failed: {exc}") from None
    finally:
        src.close()


def client(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BackupFailed(f"none of {', '.join(names)} is installed: the MariaDB client is needed")


def mysql_args(db: dict) -> tuple[list[str], dict]:
    """Connection arguments and env (the password never on the command line)."""
    args = [f"--user={db.get('USER') or 'root'}"]
    options = db.get("OPTIONS") or {}
    if options.get("unix_socket"):
        args.append(f"--socket={options['unix_socket']}")
    else:
        args += [f"--host={db.get('HOST') or '127.0.0.1'}", f"--port={db.get('PORT') or 3306}"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["MYSQL_PWD"] = str(db["PASSWORD"])
    return args, env


def mysql_dump(db: dict, out: Path) -> None:
    args, env = mysql_args(db)
    argv = [
        client("mariadb-dump", "mysqldump"),
        *args,
        "--single-transaction",  # a consistent snapshot while the store keeps writing
        "--skip-lock-tables",
        "--no-tablespaces",
        "--routines",
        "--triggers",
        db["NAME"],
    ]
    with out.open("wb") as stream:
        run(argv, env=env, stdout=stream, what="mysqldump")


def mysql_load(db: dict, dump: Path) -> None:
    args, env = mysql_args(db)
    with dump.open("rb") as stream:
        run([client("mariadb", "mysql"), *args, db["NAME"]], env=env, stdin=stream, what="mysql")


def run(argv: list[str], *, env: dict, what: str, **streams) -> None:
    try:
        done = subprocess.run(
            argv, env=env, stderr=subprocess.PIPE, timeout=DUMP_SECONDS, check=False, **streams
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupFailed(f"{what} failed: {exc}") from None
    if done.returncode:
        raise BackupFailed(f"{what} exited {done.returncode}: {done.stderr.decode()[-500:]}")


def drop_tables(tables: list[str], alias: str = "default") -> None:
    if not tables:
        return
    connection = connections[alias]
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
        try:
            cursor.execute(f"DROP TABLE IF EXISTS {quoted}")
        finally:
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")
