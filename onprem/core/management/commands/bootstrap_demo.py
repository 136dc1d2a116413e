"""python manage.py bootstrap_demo — the demo store: staff user, token, racks and carts. Idempotent.

Also a till service account (group "integration") and its token, with which the simulated
till confirms till payments; each cart's credentials carry its pairing code (what is printed
on it), so simulated shoppers can pair with it.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from oauth2_provider.models import AccessToken

from onprem.core.tokens import cli_application, issue_token
from onprem.fleet.models import Cart, Rack
from onprem.fleet.services import provision_device, rotate_device_password
from smartcart.secretargs import DashValueOptions


class Command(DashValueOptions, BaseCommand):
    help = "Create the demo staff user and token and provision racks/carts; print them as JSON."
    dash_value_options = ("--password",)

    def add_arguments(self, parser):
        parser.add_argument("--racks", type=int, default=3)
        parser.add_argument("--slots", type=int, default=10)
        parser.add_argument("--carts", type=int, default=24)
        parser.add_argument("--username", default="staff")
        parser.add_argument("--password", default="smartcart-staff")
        parser.add_argument(
            "--credentials",
            type=Path,
            required=True,
            help="where to write the devices' MQTT credentials (JSON, for the simulator)",
        )

    def handle(self, *args, racks, slots, carts, username, password, credentials: Path, **options):
        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(username=username)
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
            # Only hashes are stored: each run replaces the user's earlier CLI tokens.
            AccessToken.objects.filter(user=user, application=cli_application()).delete()
            token = issue_token(username=username, scopes=["staff"])
            till_token = self.till_token()
            devices = {
                **self.devices("rack", Rack, [f"rack-{n:02d}" for n in range(1, racks + 1)], slots),
                **self.devices("cart", Cart, [f"cart-{n:03d}" for n in range(1, carts + 1)], slots),
            }
        credentials.write_text(json.dumps(devices, indent=2))
        credentials.chmod(0o600)
        self.stdout.write(
            json.dumps(
                {
                    "username": username,
                    "password": password,
                    "staff_token": token.token,
                    "till_token": till_token,
                }
            )
        )

    @staticmethod
    def till_token() -> str:
        """The store's till: a service account in the "integration" group, with a fresh token."""
        till, _ = get_user_model().objects.get_or_create(username="till")
        till.set_unusable_password()
        till.save()
        till.groups.add(Group.objects.get_or_create(name="integration")[0])
        AccessToken.objects.filter(user=till, application=cli_application()).delete()
        return issue_token(username="till", scopes=["integration"]).token

    @staticmethod
    def devices(kind: str, model, device_ids: list[str], slots: int) -> dict:
        """Provision what is missing; re-issue passwords of the rest (only hashes are stored)."""
        existing = set(
            model.objects.filter(device_id__in=device_ids).values_list("device_id", flat=True)
        )
        issued = {}
        for device_id in device_ids:
            done = (
                rotate_device_password(device_id=device_id)
                if device_id in existing
                else provision_device(kind=kind, device_id=device_id, slot_count=slots)
            )
            issued[device_id] = {"username": done.username, "password": done.password}
        if model is Cart:  # the code printed on each cart, for the simulated shoppers
            codes = dict(
                Cart.objects.filter(device_id__in=device_ids).values_list(
                    "device_id", "pairing_code"
                )
            )
            for device_id, code in codes.items():
                issued[device_id]["pairing_code"] = code
        return issued
