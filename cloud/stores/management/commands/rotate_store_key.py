"""python manage.py rotate_store_key CODE [--grace-minutes N] [--key K] — prints the new key once."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from cloud.stores.errors import StoreError
from cloud.stores.rotation import rotate_store_key
from smartcart.secretargs import DashValueOptions


class Command(DashValueOptions, BaseCommand):
    help = (
        "Give a store a new tunnel key and print it (set it as the store's SMARTCART_CLOUD_STORE_KEY); "
        "the old key keeps working for --grace-minutes."
    )
    dash_value_options = ("--key",)  # a random key may start with "-"

    def add_arguments(self, parser):
        parser.add_argument("code", help="the store's SMARTCART_STORE_ID")
        parser.add_argument(
            "--grace-minutes", type=int, default=60,
            help="how long the old key still opens the tunnel (default 60; 0: refused at once, "
                 "and a tunnel open with it is closed)",
        )
        parser.add_argument("--key", default=None, help="use this key instead of a random one")

    def handle(self, *args, code: str, grace_minutes: int, key: str | None, **options):
        try:
            store, key = rotate_store_key(code=code, grace=timedelta(minutes=grace_minutes), key=key)
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(key)
        until = store.previous_key_expires_at
        self.stderr.write(
            f"store {code}: new key above (shown once). The old key works until {until.isoformat()}."
            if until else f"store {code}: new key above (shown once). The old key is refused from now."
        )
