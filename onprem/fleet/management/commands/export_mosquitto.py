from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onprem.fleet.broker_access import export_mosquitto
from onprem.fleet.services import FleetError


class Command(BaseCommand):
    help = "Write Mosquitto's password file and ACL for every provisioned device and the ingest workers."

    def add_arguments(self, parser):
        parser.add_argument("--passwd", required=True, type=Path)
        parser.add_argument("--acl", required=True, type=Path)
        parser.add_argument("--service-user", action="append", default=[], metavar="USER:PASSWORD",
                            help="a server-side user allowed to read all and send commands; one per ingest "
                                 "worker (ingest-1, ingest-2, ...): the broker uses usernames as client ids")

    def handle(self, *args, passwd: Path, acl: Path, service_user: list[str], **options):
        users = service_users(service_user)
        try:
            count = export_mosquitto(passwd_path=passwd, acl_path=acl, service_users=users)
        except FleetError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"wrote {count} devices and {len(users)} service users to {passwd} and {acl}; "
                          "reload Mosquitto (SIGHUP) to apply")


def service_users(items: list[str]) -> dict[str, str]:
    users: dict[str, str] = {}
    for item in items:
        username, colon, password = item.partition(":")
        if not colon:
            raise CommandError("--service-user takes USER:PASSWORD (one value has no ':')")
        if username in users:
            raise CommandError(f"--service-user {username} is given twice; each ingest worker needs its own user")
        users[username] = password
    return users
