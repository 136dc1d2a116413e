"""python manage.py bootstrap_demo --store CODE --key KEY — what `smartcart demo` needs, idempotent."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.models import AccessToken

from cloud.core.tokens import cli_application, issue_token
from cloud.remote.services import grant_remote_access
from cloud.stores.models import Store
from cloud.stores.services import StoreError, register_store, set_store_key
from smartcart.secretargs import DashValueOptions


class Command(DashValueOptions, BaseCommand):
    help = "Create the ops superuser, an ops bearer token and the demo store; print them as JSON."
    dash_value_options = ("--key", "--password")

    def add_arguments(self, parser):
        parser.add_argument(
            "--store", required=True, help="store code (the on-prem SMARTCART_STORE_ID)"
        )
        parser.add_argument(
            "--key", required=True, help="the store's tunnel key (SMARTCART_CLOUD_STORE_KEY)"
        )
        parser.add_argument("--name", default="Demo store")
        parser.add_argument("--username", default="ops")
        parser.add_argument("--password", default="smartcart-ops")

    def handle(
        self, *args, store: str, key: str, name: str, username: str, password: str, **options
    ):
        try:
            with transaction.atomic():
                user = self.ops_user(username, password)
                token = self.ops_token(user)
                self.demo_store(store, name, key)
                # The demo's ops user may open the demo store through its tunnel (/remote/).
                grant_remote_access(user=user, store=Store.objects.get(code=store))
        except StoreError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            json.dumps({"ops_token": token, "username": username, "password": password})
        )

    def ops_user(self, username: str, password: str):
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return user

    def ops_token(self, user) -> str:
        # Only hashes are stored, so the token printed last time cannot be printed again:
        # each run replaces the demo user's earlier CLI tokens with a fresh one.
        AccessToken.objects.filter(user=user, application=cli_application()).delete()
        return issue_token(user=user, scopes=["ops"]).token

    def demo_store(self, code: str, name: str, key: str) -> None:
        if Store.objects.filter(code=code).exists():
            set_store_key(code=code, key=key)
        else:
            register_store(code=code, name=name, key=key)
