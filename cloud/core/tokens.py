"""Ops bearer tokens issued outside the browser flow (the demo, scripts)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.utils import timezone
from oauth2_provider.models import AccessToken, get_application_model

CLI_APPLICATION = "smartcart-cli"


def cli_application():
    Application = get_application_model()
    app, _ = Application.objects.get_or_create(
        name=CLI_APPLICATION,
        defaults={
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS,
        },
    )
    return app


def issue_token(
    *, user, scopes: list[str], days: int = 30, token: str | None = None
) -> AccessToken:
    """A bearer token for `user` holding `scopes`; `token` reuses a known value (idempotent demo)."""
    access, _ = AccessToken.objects.update_or_create(
        token=token or secrets.token_urlsafe(32),
        defaults={
            "user": user,
            "application": cli_application(),
            "expires": timezone.now() + timedelta(days=days),
            "scope": " ".join(scopes),
        },
    )
    return access
