"""Register (or update) the shopper app's OAuth2 client: public, code + PKCE, one exact redirect.

Idempotent by name: a second run keeps the client id and sets the redirect URI it is given.
Prints {"client_id", "redirect_uri"} as JSON for the app's configuration (make demo reads it).
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.models import get_application_model

DEFAULT_NAME = "SmartCart shopper app"


def register_shopper_app(*, redirect_uri: str, name: str = DEFAULT_NAME):
    """The public client the shopper app signs shoppers in with, created or brought up to date.

    First-party, so the consent screen is skipped (skip_authorization); a public client has no
    secret to keep, so PKCE S256 (required by the settings) is what binds a code to the app."""
    Application = get_application_model()
    with transaction.atomic():
        app = Application.objects.select_for_update().filter(name=name).order_by("pk").first()
        app = app or Application(name=name)
        app.client_type = Application.CLIENT_PUBLIC
        app.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        app.redirect_uris = redirect_uri
        app.post_logout_redirect_uris = ""
        app.allowed_origins = ""
        app.skip_authorization = True
        app.algorithm = Application.NO_ALGORITHM
        app.user = None
        app.full_clean()
        app.save()
    return app


class Command(BaseCommand):
    help = "Create or update the shopper app's public OAuth2 client and print its client id."

    def add_arguments(self, parser):
        parser.add_argument(
            "--redirect-uri", required=True, help="the app's callback, matched exactly"
        )
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"default {DEFAULT_NAME!r}")

    def handle(self, *args, redirect_uri: str, name: str, **options):
        if len(redirect_uri.split()) != 1:
            raise CommandError("give exactly one redirect URI (it is matched exactly)")
        try:
            app = register_shopper_app(redirect_uri=redirect_uri, name=name)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(json.dumps({"client_id": app.client_id, "redirect_uri": redirect_uri}))
