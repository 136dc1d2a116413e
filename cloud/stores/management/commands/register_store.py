"""python manage.py register_store CODE --name N — prints the store's key (shown once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from cloud.stores.services import StoreError, register_store


class Command(BaseCommand):
    help = "Register a store and print its tunnel key (set it as the store's SMARTCART_CLOUD_STORE_KEY)."

    def add_arguments(self, parser):
        parser.add_argument("code", help="the store's SMARTCART_STORE_ID")
        parser.add_argument("--name", default="", help="display name (default: the code)")

    def handle(self, *args, code: str, name: str, **options):
        try:
            _, key = register_store(code=code, name=name)
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(key)
