from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from onprem.fleet.services import export_mosquitto


class Command(BaseCommand):
    help = "Write Mosquitto's password file and ACL for every provisioned device."

    def add_arguments(self, parser):
        parser.add_argument("--passwd", required=True, type=Path)
        parser.add_argument("--acl", required=True, type=Path)
        parser.add_argument("--service-user", action="append", default=[], metavar="USER:PASSWORD",
                            help="a server-side user (ingest, API) allowed to read all and send commands")

    def handle(self, *args, passwd: Path, acl: Path, service_user: list[str], **options):
        users = dict(item.split(":", 1) for item in service_user)
        count = export_mosquitto(passwd_path=passwd, acl_path=acl, service_users=users)
        self.stdout.write(f"wrote {count} devices to {passwd} and {acl}; reload Mosquitto (SIGHUP) to apply")
