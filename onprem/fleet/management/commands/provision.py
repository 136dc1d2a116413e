"""python manage.py provision rack rack-01 --slots 10 | provision cart cart-001 [--json]"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from onprem.fleet.services import FleetError, provision_device, rotate_device_password


class Command(BaseCommand):
    help = "Create a rack or cart and its MQTT credentials (the password is shown once)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["rack", "cart"])
        parser.add_argument("device_ids", nargs="+", metavar="device_id")
        parser.add_argument("--slots", type=int, default=10, help="slots per rack")
        parser.add_argument("--name", default="")
        parser.add_argument("--rotate", action="store_true", help="issue a new password for existing devices")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print {device: {username, password[, pairing_code]}}")

    def handle(self, *args, kind, device_ids, slots, name, rotate, as_json: bool, **options):
        issued = {}
        for device_id in device_ids:
            try:
                done = (rotate_device_password(device_id=device_id) if rotate else
                        provision_device(kind=kind, device_id=device_id, name=name, slot_count=slots))
            except FleetError as exc:
                raise CommandError(str(exc)) from None
            issued[device_id] = {"username": done.username, "password": done.password}
            pairing = f" pairing_code={done.pairing_code}" if done.pairing_code else ""
            if done.pairing_code:  # a cart's: printed on it for the shopper app
                issued[device_id]["pairing_code"] = done.pairing_code
            if not as_json:
                self.stdout.write(f"{kind} {device_id}: username={done.username} password={done.password}{pairing}")
        if as_json:
            self.stdout.write(json.dumps(issued, indent=2))

